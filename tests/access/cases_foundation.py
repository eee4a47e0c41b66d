from tests.access.matrix import READ_ALL_SIGNED_IN, READ_OWN_FORCE, Case, expect

CASES = [
    Case("dashboard"),
    Case("login", expected=expect(anonymous=200, own_liaison=302, other_liaison=302, staff=302, manager=302)),
    Case(
        "logout",
        method="POST",
        expected=expect(anonymous=302, own_liaison=302, other_liaison=302, staff=302, manager=302),
    ),
    Case("accounts:profile", expected=READ_ALL_SIGNED_IN),
    Case("forces:force_list"),
    Case("forces:force_detail", kwargs=lambda w: {"slug": w.force.slug}, label="own force", expected=READ_OWN_FORCE),
    Case(
        "forces:force_detail",
        kwargs=lambda w: {"slug": w.other_force.slug},
        label="other force",
        expected=expect(own_liaison=404, other_liaison=200, body_liaison=404),
    ),
    # Another force's evidence file is not found, for our liaison officer; its own force reads it.
    Case(
        "inspections:evidence_download",
        kwargs=lambda w: {"pk": w.other_evidence.pk},
        label="other force",
        expected=expect(own_liaison=404, other_liaison=200, body_liaison=404),
    ),
]
