"""Where the demo city lies: a coarse outline of Kazan and the demo problems' points.

The outline is drawn by hand around the city for the demo (it is not the legal boundary): with it
a point set for a district must lie in Kazan, and maps of the city open on Kazan. The points are
real places in the problems' districts.
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

# problem key → address or landmark, latitude, longitude
PLACES = {
    "potholes": ("двор дома 12 по улице Пушкина", "55.789480", "49.126150"),
    "lights": ("сквер на улице Баумана", "55.792050", "49.115300"),
    "shelter": ("остановка «Проспект Ямашева», в сторону центра", "55.826720", "49.123650"),
    "basement": ("улица Зорге, 10", "55.754480", "49.184020"),
    "playground": ("двор домов на улице Академика Сахарова", "55.747510", "49.214030"),
    "containers": ("контейнерная площадка на улице Батыршина", "55.809470", "49.082010"),
    "crossing": ("у школы № 39", "55.771280", "49.190540"),
}
