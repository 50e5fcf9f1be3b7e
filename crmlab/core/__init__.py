"""Layer 0: what every other layer of crmlab stands on; it imports nothing above it.

Where the course and the student's files live (``paths``), times (``times``), atomic writes
(``atomic``), the exceptions (``exceptions``), validation and the problem collectors
(``validation``), the message catalog and the language rules (``i18n``), the student-id rule
(``ids``), the student's settings file (``settings``), the one YAML reader, with line numbers
(``yaml_lines``), the file formats' JSON Schemas (``schemas``), HTML from Jinja2 templates
(``html``), the instructor's CSV files (``tables``, ``roster``), stable widget reprs
(``display``) and the curated YAML lists (``curated``).
"""
