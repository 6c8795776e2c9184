"""The README stays true: its configuration table names every setting; its quick start, the two commands."""

from pathlib import Path

from disclosure.config import PROJECT_ROOT, Settings

README = (PROJECT_ROOT / "README.md").read_text()


def test_readme_configuration_table_names_every_setting() -> None:
    missing = [name for name, _, _ in Settings.documented_fields() if f"`{name}`" not in README]
    assert missing == []


def test_every_setting_has_a_line_of_documentation() -> None:
    assert all(doc for _, _, doc in Settings.documented_fields())


def test_readme_quick_start_is_make_run_and_make_test() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make run" in quick_start
    assert "make test" in quick_start


def test_env_example_lists_only_real_settings() -> None:
    names = {name for name, _, _ in Settings.documented_fields()}
    lines = Path(PROJECT_ROOT / ".env.example").read_text().splitlines()
    used = {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}
    assert used <= names


def test_the_readme_documents_every_column_of_the_feed_layout() -> None:
    from disclosure.missing.feed import STANDARD_COLUMNS

    for column in STANDARD_COLUMNS:
        required = "yes" if column.required else ""
        assert f"| `{column.name}` | {required} | {column.meaning} |" in README, column.name


def test_the_architecture_map_names_every_module_and_package_and_nothing_else() -> None:
    """The README's map of `disclosure/` matches the code: a module or package added, moved or removed
    without the map fails here."""
    section = README.split("## Architecture\n", 1)[1].split("\n## ", 1)[0]
    tree = section.split("```\ndisclosure/\n", 1)[1].split("\ntemplates/", 1)[0]
    named = {
        line.split()[0] for line in tree.splitlines() if line.startswith("  ") and not line.startswith("   ")
    }
    package = PROJECT_ROOT / "disclosure"
    actual = {
        f"{entry.name}/" if entry.is_dir() else entry.name
        for entry in package.iterdir()
        if (entry.is_dir() and (entry / "__init__.py").exists())
        or (entry.suffix == ".py" and entry.name not in {"__init__.py", "__main__.py"})
    }
    assert named == actual, (
        f"only in the README: {sorted(named - actual)}; only in the code: {sorted(actual - named)}"
    )


def test_the_readme_gives_every_figure_of_the_returns_with_its_definition() -> None:
    from disclosure.reports.returns import SCHEMES

    for _, figures in SCHEMES.values():
        for figure in figures:
            assert f" {figure.label} | {figure.definition} |" in README, figure.key
