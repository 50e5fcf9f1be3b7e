"""Layer 4: what reaches students and the class.

The student release (``release``), the static site (``site``, ``site_quiz``, ``site_static/``),
feedback pages (``feedback``), executed and stamped notebooks (``notebooks``) and their translated
editions (``translations``), the hub's collection service (``hub_service``), the demo hub
(``demo_hub``) and the JupyterLab settings the course installs (``labsettings``).
"""
