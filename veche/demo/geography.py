"""Where the demo city lies: a coarse outline of Kazan and the demo problems' points.

The outlines are drawn by hand for the demo (they are not the legal boundaries): with them a point
set for a district must lie in it, and maps drawn without a tile server show the city and its
districts. The points are real places, each inside its problem's district as drawn here.
"""

# GeoJSON: longitude first; the ring is closed (its last point is its first).
KAZAN_OUTLINE = {
    "type": "Polygon",
    "coordinates": [
        [
            [48.85, 55.84],
            [48.92, 55.76],
            [49.05, 55.74],
            [49.10, 55.68],
            [49.20, 55.64],
            [49.32, 55.70],
            [49.36, 55.80],
            [49.30, 55.88],
            [49.16, 55.92],
            [49.02, 55.91],
            [48.92, 55.88],
            [48.85, 55.84],
        ]
    ],
}


def _polygon(*points):
    return {"type": "Polygon", "coordinates": [[*map(list, points), list(points[0])]]}


# Corners shared by the districts: the outline's own (A–K, clockwise from the west) and a few
# inside it, roughly where the Kazanka and the big roads divide the city.
_A, _B, _C, _D = (48.85, 55.84), (48.92, 55.76), (49.05, 55.74), (49.10, 55.68)
_E, _F, _G, _H = (49.20, 55.64), (49.32, 55.70), (49.36, 55.80), (49.30, 55.88)
_I, _J, _K = (49.16, 55.92), (49.02, 55.91), (48.92, 55.88)
_WEST, _NORTH_WEST = (48.8675, 55.82), (48.885, 55.86)  # on the outline's edges A–B and A–K
_KAZANKA_WEST, _KAZANKA_EAST = (49.09, 55.82), (49.19, 55.815)
_CENTRE_SOUTH_WEST, _CENTRE_SOUTH_EAST = (49.09, 55.775), (49.185, 55.775)
_NORTH_CENTRE, _NORTH_EAST_CORNER, _NORTH_MIDDLE = (49.09, 55.86), (49.16, 55.86), (49.22, 55.87)
_EAST_1, _EAST_2, _SOUTH_EAST = (49.197, 55.7475), (49.215, 55.70), (49.24, 55.66)

DISTRICT_OUTLINES = {
    "kazan-kirovsky": _polygon(_WEST, _B, _C, _CENTRE_SOUTH_WEST, _KAZANKA_WEST),
    "kazan-moskovsky": _polygon(_A, _WEST, _KAZANKA_WEST, _NORTH_CENTRE, _NORTH_WEST),
    "kazan-aviastroitelny": _polygon(_NORTH_WEST, _NORTH_CENTRE, _NORTH_EAST_CORNER, _I, _J, _K),
    "kazan-novo-savinovsky": _polygon(
        _KAZANKA_WEST, _KAZANKA_EAST, _NORTH_MIDDLE, _H, _I, _NORTH_EAST_CORNER, _NORTH_CENTRE
    ),
    "kazan-vakhitovsky": _polygon(
        _CENTRE_SOUTH_WEST, _CENTRE_SOUTH_EAST, _KAZANKA_EAST, _KAZANKA_WEST
    ),
    "kazan-privolzhsky": _polygon(
        _C, _D, _E, _SOUTH_EAST, _EAST_2, _EAST_1, _CENTRE_SOUTH_EAST, _CENTRE_SOUTH_WEST
    ),
    "kazan-sovetsky": _polygon(
        _KAZANKA_EAST, _CENTRE_SOUTH_EAST, _EAST_1, _EAST_2, _SOUTH_EAST, _F, _G, _H, _NORTH_MIDDLE
    ),
}

# problem key → address or landmark, latitude, longitude
PLACES = {
    "potholes": ("двор дома 12 по улице Пушкина", "55.789480", "49.126150"),
    "lights": ("сквер на улице Баумана", "55.792050", "49.115300"),
    "shelter": ("остановка «Проспект Ямашева», в сторону центра", "55.826720", "49.123650"),
    "basement": ("улица Зорге, 10", "55.754480", "49.184020"),
    "playground": ("двор домов на улице Академика Сахарова", "55.747510", "49.214030"),
    "containers": ("контейнерная площадка на улице Батыршина", "55.809470", "49.082010"),
    "crossing": ("у школы № 39", "55.771280", "49.190540"),
    "ice": ("двор дома 7 по улице Островского", "55.790600", "49.121800"),
}
