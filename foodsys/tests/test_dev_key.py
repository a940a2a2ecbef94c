"""Issue 12, finding 11: `make run` (local settings) signs with a random per-machine key, not a literal."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from foodsys.env import BASE_DIR
from foodsys.settings.parts.security import dev_secret_key

OLD_LITERAL = "local-only-insecure-key-change-me"  # noqa: S105 - the key the repository used to ship
PRINT_KEYS = ("import django; django.setup(); from django.conf import settings; "
              "from rest_framework_simplejwt.settings import api_settings; "
              "print(settings.SECRET_KEY); print(api_settings.SIGNING_KEY); print(settings.DEV_SECRET_KEY_FILE)")


def _local_settings_keys(**env) -> list[str]:
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "foodsys.settings.local", **env}
    result = subprocess.run([sys.executable, "-c", PRINT_KEYS], cwd=BASE_DIR, capture_output=True, text=True,
                            timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_local_settings_without_env_sign_with_a_random_key_that_is_stable_across_loads():
    # when: two fresh processes load the local settings with no SECRET_KEY in the environment
    first_key, first_jwt_key, key_file = _local_settings_keys()
    second_key, second_jwt_key, _ = _local_settings_keys()

    # then
    assert first_key != OLD_LITERAL
    assert len(first_key) >= 50
    assert first_key == second_key
    assert first_jwt_key == first_key == second_jwt_key  # JWTs are signed with it too
    assert (BASE_DIR / "var" / "dev-secret-key").samefile(key_file)


def test_the_key_file_is_git_ignored_and_the_literal_is_gone_from_the_settings():
    ignored = subprocess.run(["git", "check-ignore", "-q", "var/dev-secret-key"], cwd=BASE_DIR, timeout=30)
    settings_sources = "".join(path.read_text() for path in (BASE_DIR / "foodsys" / "settings").rglob("*.py"))

    assert ignored.returncode == 0
    assert OLD_LITERAL not in settings_sources


def test_a_secret_key_in_the_environment_wins_over_the_file():
    key, jwt_key, _ = _local_settings_keys(SECRET_KEY="from-the-environment-" + "x" * 40)

    assert key == jwt_key == "from-the-environment-" + "x" * 40


def test_the_key_is_made_once_private_and_random_per_machine(tmp_path):
    # given: two machines (files); on the first, several processes start at once
    path, other_machine = tmp_path / "var" / "dev-secret-key", tmp_path / "other" / "dev-secret-key"

    # when
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: dev_secret_key(path), range(16)))
    again, elsewhere = dev_secret_key(path), dev_secret_key(other_machine)

    # then
    assert len(keys) == 1 and again in keys
    assert elsewhere != again
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["dev-secret-key"]  # no temporary files left
