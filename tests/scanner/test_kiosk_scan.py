"""The kiosk as a subprocess: the scan screen finds the test scanner through config/sane."""

import pytest


@pytest.mark.e2e
def test_demo_kiosk_falls_back_to_the_test_scanner(start_kiosk, tmp_path):
    own = tmp_path / "kiosk.toml"
    own.write_text("[scanner]\ntest_scanner_fallback = true\n", encoding="utf-8")
    # With the system's SANE config no real scanner is found here (and a virtual one is never
    # picked on its own): the fallback restarts the scan process on the project's config/sane.
    kiosk = start_kiosk("--temp-data-dir", "--windowed", "--config", str(own), "--start-screen", "scan")
    kiosk.wait_event("ui.screen", screen="scan")
    found = kiosk.wait_event("scan.devices", chosen=True)
    assert found["virtual"] is True
    assert kiosk.stop() == 0
