"""The one place for the colours, markers and hatches of the course's figures.

The palette is Okabe and Ito's (2008), safe for the common colour-vision deficiencies; where
categories matter a figure also gives each one a marker or a hatch, so no figure relies on
colour alone. Figures take their colours from the names here, never from hex codes of their own.
"""

from __future__ import annotations

__all__ = ["OKABE_ITO", "BLUE", "VERMILLION", "ORANGE", "GREEN", "SKY", "PURPLE", "YELLOW",
           "GREY", "LIGHT", "TEXT", "MARKERS", "HATCHES", "set_markers"]

#: Okabe-Ito: black, orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple.
OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
             "#CC79A7")
#: Okabe-Ito orange.
ORANGE = OKABE_ITO[1]
#: Okabe-Ito sky blue.
SKY = OKABE_ITO[2]
#: Okabe-Ito bluish green.
GREEN = OKABE_ITO[3]
#: Okabe-Ito yellow.
YELLOW = OKABE_ITO[4]
#: Okabe-Ito blue.
BLUE = OKABE_ITO[5]
#: Okabe-Ito vermillion.
VERMILLION = OKABE_ITO[6]
#: Okabe-Ito reddish purple.
PURPLE = OKABE_ITO[7]
#: Reference lines and neutral marks.
GREY = "#7f7f7f"
#: A background band.
LIGHT = "#e8e8e8"
#: Text drawn on a plot.
TEXT = "#404040"
#: Markers, in the order categories take them.
MARKERS = ("o", "s", "^", "D", "v", "P")
#: Hatches, in the order categories take them (the first is none).
HATCHES = ("", "//", "..", "xx", "\\\\", "++")


def set_markers(points, markers) -> None:
    """Give each point of a scatter its own marker (one collection, one marker per point).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> points = plt.subplots()[1].scatter([1, 2], [1, 2])
    >>> set_markers(points, ["o", "s"])
    >>> len(points.get_paths())
    2
    """
    from matplotlib.markers import MarkerStyle

    paths = []
    for marker in markers:
        style = MarkerStyle(marker)
        paths.append(style.get_path().transformed(style.get_transform()))
    points.set_paths(paths)
