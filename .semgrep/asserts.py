# Examples for `semgrep --test .semgrep` (asserts.yaml); never imported or run.


def examples(user, case, url):
    # ruleid: assert-only-narrows-types
    assert user.may_read(case)
    # ruleid: assert-only-narrows-types
    assert url, "the migrations need a database URL"
    # ruleid: assert-only-narrows-types
    assert case.status == "open"
    # ok: assert-only-narrows-types
    assert url is not None
    # ok: assert-only-narrows-types
    assert case.team is not None, "every case has a team"
