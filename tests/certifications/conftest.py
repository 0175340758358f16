import pytest

from certifications.services import standards_load_shipped

from .factories import ClauseFactory, StandardFactory


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Evidence files go to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT / "private"


@pytest.fixture
def shipped(db):
    standards_load_shipped()


@pytest.fixture
def standard(db):
    return StandardFactory(code="ISO 9999", edition="2020", title="Test management systems")


@pytest.fixture
def clauses(standard):
    """Clause 4 with sub-clauses 4.1 and 4.2, and clause 5."""
    four = ClauseFactory(standard=standard, number="4", title="Context", position=0)
    c41 = ClauseFactory(
        standard=standard, number="4.1", title="Organisation", parent=four, depth=1, position=1
    )
    c42 = ClauseFactory(standard=standard, number="4.2", title="Parties", parent=four, depth=1, position=2)
    five = ClauseFactory(standard=standard, number="5", title="Leadership", position=3)
    return {"4": four, "4.1": c41, "4.2": c42, "5": five}
