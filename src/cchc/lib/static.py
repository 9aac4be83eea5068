"""Static files in production: names with their content's hash, cached by browsers for good.

With plain names WhiteNoise lets a browser keep a file for 60 seconds, after which every
page asks again for each stylesheet and script (seven of them): a request each to a busy
worker. `collectstatic` here writes `app.0657a386.css` beside `app.css` and a manifest;
`{% static %}` names the hashed copy, which WhiteNoise serves with a ten-year, immutable
`Cache-Control`, so a browser fetches each version once. A new release changes the hash.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name: str) -> str:
        # A file `collectstatic` did not gather on this machine keeps its plain name (a
        # missing stylesheet), rather than failing every page with an error.
        try:
            return super().stored_name(name)
        except ValueError:
            return name
