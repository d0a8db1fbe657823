"""Pure decisions of the scanner package: units, statuses, option choices, names, budgets."""

from kiosk_app.scanner.documents import OutputSettings, budget_steps, document_filename
from kiosk_app.scanner.protocol import (
    DeviceOptions,
    Fault,
    pick_mode,
    pick_resolution,
    pick_source,
)
from kiosk_app.scanner.sane_units import fault_for_status, from_fixed, to_fixed


def test_sane_fixed_point_counts_65536_units_per_unit():
    assert to_fixed(200) == 200 * 65536
    assert to_fixed(297.0) == 19464192
    assert from_fixed(19660800) == 300.0
    assert abs(from_fixed(to_fixed(85.6)) - 85.6) < 1 / 65536


def test_sane_statuses_map_to_faults():
    assert fault_for_status(6) is Fault.JAMMED
    assert fault_for_status(8) is Fault.COVER_OPEN
    assert fault_for_status(7) is Fault.FEEDER_EMPTY
    assert fault_for_status(3) is Fault.BUSY
    assert fault_for_status(9) is Fault.IO_ERROR
    assert fault_for_status(99) is Fault.OTHER


def test_source_mode_and_resolution_choices():
    sources = ("Flatbed", "Automatic Document Feeder")
    assert pick_source(sources, feeder=False) == "Flatbed"
    assert pick_source(sources, feeder=True) == "Automatic Document Feeder"
    assert pick_source(("Flatbed",), feeder=True) is None
    assert pick_source(("ADF Front", "ADF Duplex"), feeder=True) == "ADF Front"
    assert pick_mode(("Lineart", "Gray", "Color"), color=True) == "Color"
    assert pick_mode(("Lineart", "Gray", "Color"), color=False) == "Gray"
    listed = DeviceOptions(resolutions=(75, 150, 300, 600))
    assert pick_resolution(listed, 200) == 300
    assert pick_resolution(listed, 1200) == 600
    ranged = DeviceOptions(resolutions=(50, 1200), resolution_range=True)
    assert pick_resolution(ranged, 200) == 200
    assert pick_resolution(ranged, 20) == 50


def test_document_filenames_are_ascii_unique_and_safe():
    assert document_filename("Giấy khai sinh", set()) == "Giay_khai_sinh.pdf"
    assert document_filename("Đơn đề nghị", set()) == "Don_de_nghi.pdf"
    assert document_filename("CCCD", {"CCCD.pdf"}) == "CCCD_(2).pdf"
    assert document_filename("CCCD", {"cccd.pdf", "CCCD_(2).pdf"}) == "CCCD_(3).pdf"
    assert document_filename("../../etc/passwd", set()) == "etc_passwd.pdf"
    assert document_filename("???", set(), ".jpg") == "tai-lieu.jpg"


def test_budget_steps_lower_quality_before_resolution_and_keep_a_floor():
    steps = budget_steps(OutputSettings(jpeg_quality=85, min_quality=50, min_dpi=100), dpi=300)
    assert [(s.quality, s.scale) for s in steps] == [
        (85, 1.0), (75, 1.0), (65, 1.0), (65, 0.75), (65, 0.5), (50, 0.5)]
    low = budget_steps(OutputSettings(min_dpi=100), dpi=100)
    assert all(s.scale == 1.0 for s in low)


def test_device_choice_never_picks_a_virtual_scanner_unasked():
    from kiosk_app.scanner.presets import choose_device
    from kiosk_app.scanner.protocol import DeviceInfo

    test0, real = DeviceInfo("test:0"), DeviceInfo("epson2:libusb:001:004")
    assert choose_device([test0, real], "") == real
    assert choose_device([test0], "") is None
    assert choose_device([test0, real], "test:0") == test0
    assert choose_device([real], "hpaio:/usb/x") is None  # the configured one is missing


def test_settings_from_the_default_config():
    from kiosk_app.config import load_config
    from kiosk_app.scanner.presets import papers_for, preset_by_key, settings_from_config

    config = load_config()
    settings = settings_from_config(config.scanner, config.guided.procedures)
    assert [p.key for p in settings.presets] == ["id_card", "text", "color"]
    id_card = settings.presets[0]
    assert id_card.color and id_card.dpi == 300 and id_card.area_mm == (90.0, 60.0)
    assert settings.presets[1].request("test:0", feeder=True).color is False
    assert settings.output.size_budget_bytes == 3 * 1024 * 1024
    assert "Giấy khai sinh" in settings.document_types and settings.device == ""
    # Not valid since 1/1/2023: never offered as a document name, nor as a paper to bring.
    names = list(settings.document_types) + [p.name for x in settings.procedures for p in x.papers]
    assert not any("hộ khẩu" in n.lower() for n in names)
    birth = papers_for(settings.procedures, "1.001193")
    assert birth.name == "Đăng ký khai sinh"
    assert [p.name for p in birth.papers] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "CCCD của cha hoặc mẹ"]
    assert preset_by_key(settings.presets, birth.papers[2].preset).key == "id_card"
    assert papers_for(settings.procedures, None) is None and papers_for(settings.procedures, "x") is None


def test_code_repeats_no_default_of_the_config():
    """Presets and document names come from config/default.toml alone (issue: they had drifted)."""
    from kiosk_app.scanner import presets

    assert not hasattr(presets, "DEFAULT_PRESETS") and not hasattr(presets, "DEFAULT_DOCUMENT_TYPES")
    assert presets.ScannerSettings().document_types == ()
