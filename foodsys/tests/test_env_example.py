"""Every environment variable the settings read is documented in .env.example, with a comment."""

import re

from foodsys.env import BASE_DIR

READ = re.compile(
    r"""(?:env(?:\.(?:str|int|bool|list|float|db_url_config))?|optional|os\.environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)
IGNORED = {"DJANGO_SETTINGS_MODULE", "FOODSYS_SERVER", "REQUIRE_SERVICES"}


def _variables_read() -> set[str]:
    names: set[str] = set()
    for path in [*(BASE_DIR / "foodsys").rglob("*.py")]:
        if "tests" in path.parts:
            continue
        names |= set(READ.findall(path.read_text()))
    return names - IGNORED


def test_every_variable_read_by_the_settings_is_documented():
    lines = (BASE_DIR / ".env.example").read_text().splitlines()
    documented = {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}

    missing = _variables_read() - documented

    assert not missing, f"add these to .env.example with a comment: {sorted(missing)}"


def test_every_documented_variable_has_a_comment_in_its_block():
    uncommented, block_has_comment = [], False
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        if not line.strip():
            block_has_comment = False
        elif line.startswith("#"):
            block_has_comment = True
        elif not block_has_comment:
            uncommented.append(line)
    assert not uncommented
