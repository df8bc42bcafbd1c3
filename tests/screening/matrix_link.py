"""Permission-matrix rows of the patient's screening on the one-time link (see tests/test_permission_matrix.py).

The link pages are public: the token is the credential, so every persona gets the same answer. Without htmx the
autosave endpoint sends the browser back to the page (302); its htmx answers are covered in test_link_entry.py.
"""

from tests.permissions import Row, expect

ROWS: list[Row] = [
    Row("screening_link:answer", "get", lambda o: [o["token"]], expect(302)),
    Row("screening_link:answer", "post", lambda o: [o["token"]], expect(302), data=lambda o: {"q-age": "52"}),
]
