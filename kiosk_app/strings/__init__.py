"""Every text a resident or an officer reads, in Vietnamese (NFC), one module per area.

Code, logs and identifiers stay English; screens take their words from here only.
"""
