"""Carbon-neutrality programmes (ISO 14068-1): the standing of each period, credits counted once,
milestones at most five years apart, the claim gate and the refusal of offset-only claims."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounting import formulas
from accounting.models import (
    CarbonCredit,
    NeutralityClaim,
    NeutralityPeriod,
    ReductionMilestone,
    ReductionTarget,
)
from accounting.selectors.neutrality import claim_check, period_statuses
from accounting.services import neutrality as service
from accounting.services import neutrality_claims as claims_service
from greenfactory.core.exceptions import AlreadyExists, TransitionNotAllowed

from .budget_helpers import month_kpi
from .neutrality_helpers import entered, programme, retire

pytestmark = pytest.mark.django_db


def test_status_is_footprint_less_reductions_removals_and_credits(site):
    """Base period 2024: 1,000 t. 2026: 820 t emitted, so reductions against the base are
    1,000 - 820 = 180 t; removals 20 t; credits 500 (reduction) + 250 (removal) = 750 t.
    Balance = 1,000 - 180 - 20 - 750 = 50 t still to counterbalance: not neutral.
    A further 50 reduction credits bring it to 1,000 - 180 - 20 - 800 = 0: neutral."""
    prog = programme(site.organisation)
    entered(prog, 2024, "1000")
    period = entered(prog, 2026, "820", removals="20")
    retire(prog, period, 1, 500)
    retire(prog, period, 1, 250, registry="puro", prefix="PURO-BC-2025-", kind="removal")
    base, current = period_statuses(programme=prog)
    assert base.balance.reductions_tco2e == 0
    b = current.balance
    assert (b.base_tco2e, b.footprint_tco2e, b.reductions_tco2e) == (
        Decimal(1000),
        Decimal(820),
        Decimal(180),
    )
    assert (b.removals_tco2e, b.credits_tco2e, b.balance_tco2e) == (Decimal(20), Decimal(750), Decimal(50))
    assert (current.credits_reduction_tco2e, current.credits_removal_tco2e) == (500, 250)
    assert not b.neutral
    retire(prog, period, 501, 550)
    [_base, current] = period_statuses(programme=prog)
    assert current.balance.balance_tco2e == 0
    assert current.balance.neutral


def test_the_footprint_of_a_year_comes_from_its_ghg_inventory(site):
    """Twelve months of 2026 at the site: scope 1 10 t and scope 2 40 t location, 30 t market each.
    Location-based total 12 * 50 = 600 t; market-based 12 * 40 = 480 t."""
    for month in range(1, 13):
        month_kpi(site, 2026, month, scope1_tco2e=10, scope2_location_tco2e=40, scope2_market_tco2e=30)
    prog = programme(site.organisation)
    market = service.period_save(programme=prog, year=2026, source="inventory", scope2_basis="market")
    assert market.footprint_tco2e == Decimal(480)
    assert "GHG inventory 2026" in market.source_note
    location = service.period_save(programme=prog, year=2026, source="inventory", scope2_basis="location")
    assert location.pk == market.pk
    assert NeutralityPeriod.objects.get(pk=market.pk).footprint_tco2e == Decimal(600)


def test_an_entered_footprint_needs_its_source(site):
    prog = programme(site.organisation)
    with pytest.raises(service.NeutralityInvalid) as refused:
        service.period_save(programme=prog, year=2025, source="entered", footprint_tco2e=Decimal(5))
    assert refused.value.field == "source_note"
    assert not NeutralityPeriod.objects.exists()


def test_a_product_programme_cannot_take_the_organisations_inventory(site):
    prog = service.programme_create(
        reference="CN-P",
        title="Black mass",
        organisation=site.organisation,
        subject="product",
        product_name="Black mass, 1 t",
        boundary="Cradle to gate",
        base_year=2024,
        target_date=dt.date(2028, 1, 1),
    )
    with pytest.raises(service.NeutralityInvalid) as refused:
        service.period_save(programme=prog, year=2025, source="inventory", scope2_basis="market")
    assert refused.value.field == "source"


def test_a_serial_is_retired_once_across_programmes(site):
    """Programme A retires GS ...-1 to -100. Programme B asking for 50-150 of the same block overlaps
    (50-100) and is refused, naming A; 101-150 is free and is accepted. The same numbers in another
    block (another prefix) or another registry are other credits."""
    first = programme(site.organisation, reference="CN-A")
    second = programme(site.organisation, reference="CN-B")
    period_a, period_b = entered(first, 2025, "300"), entered(second, 2025, "300")
    retire(first, period_a, 1, 100)
    with pytest.raises(claims_service.CreditSerialsTaken) as refused:
        retire(second, period_b, 50, 150)
    assert "CN-A" in refused.value.message
    assert refused.value.status_code == 409
    assert CarbonCredit.objects.count() == 1
    with pytest.raises(claims_service.CreditSerialsTaken):
        retire(first, period_a, 100, 100)  # the last serial again, for the same programme
    later = retire(second, period_b, 101, 150)
    assert later.quantity_tco2e == 50
    retire(second, period_b, 1, 100, prefix="GS1-1-CN-GS9999-12-2024-")
    retire(second, period_b, 1, 100, registry="verra")
    assert CarbonCredit.objects.count() == 4


def test_a_quantity_that_is_not_the_serial_range_is_refused(site):
    prog = programme(site.organisation)
    period = entered(prog, 2025, "300")
    with pytest.raises(service.NeutralityInvalid) as refused:
        claims_service.credit_retire(
            programme=prog,
            period=period,
            registry="ccer",
            serial_prefix="CCER-",
            serial_start=10,
            serial_end=19,
            quantity_tco2e=11,
            project="Wind farm",
            standard="CCER-14-001",
            kind="reduction",
            vintage=2024,
            retired_on=dt.date(2026, 1, 5),
            evidence_reference="CCER retirement 88",
        )
    assert refused.value.field == "quantity_tco2e"
    assert not CarbonCredit.objects.exists()


def test_milestones_more_than_five_years_apart_are_refused(site):
    """Base 2024, target 2036: 2024-2029 is 5 years (allowed), 2029-2036 is 7 (refused). With a
    milestone in 2032 as well, the steps are 5, 3 and 4 years: accepted."""
    prog = programme(site.organisation, target_date=dt.date(2040, 1, 1))
    with pytest.raises(service.NeutralityInvalid) as refused:
        service.target_create(
            programme=prog,
            description="Scope 1 and 2 down 60 %",
            target_year=2036,
            reduction_percent=Decimal(60),
            milestones=[(2029, Decimal(25))],
        )
    assert "2029–2036" in refused.value.message
    assert not ReductionTarget.objects.exists()
    target = service.target_create(
        programme=prog,
        description="Scope 1 and 2 down 60 %",
        target_year=2036,
        reduction_percent=Decimal(60),
        milestones=[(2029, Decimal(25)), (2032, Decimal(40))],
    )
    assert list(target.milestones.values_list("year", flat=True)) == [2029, 2032]
    with pytest.raises(service.NeutralityInvalid):
        service.milestone_delete(milestone=target.milestones.get(year=2032))
    assert ReductionMilestone.objects.count() == 2
    service.milestone_add(target=target, year=2034, reduction_percent=Decimal(50))
    service.milestone_delete(milestone=target.milestones.get(year=2032))  # 2029-2034-2036: fine
    assert list(target.milestones.values_list("year", flat=True)) == [2029, 2034]
    with pytest.raises(AlreadyExists):
        service.milestone_add(target=target, year=2034, reduction_percent=Decimal(55))


def test_a_five_year_target_needs_no_milestone(site):
    prog = programme(site.organisation)
    target = service.target_create(
        programme=prog, description="Down 30 %", target_year=2029, reduction_percent=Decimal(30)
    )
    assert target.milestones.count() == 0


def _ready_period(site):
    prog = programme(site.organisation)
    entered(prog, 2024, "1000")
    period = entered(prog, 2026, "800")
    retire(prog, period, 1, 800)
    return prog, period


def test_the_claim_is_blocked_until_every_requirement_has_evidence(site, staff_user):
    """Base 1,000 t, 2026 800 t (200 t reduced), 800 t of credits: balance 0, neutral. The claim's
    four default requirements have no evidence: refused, naming them; with evidence for three it is
    still refused and names the fourth; with all four it is made."""
    prog, period = _ready_period(site)
    claim = claims_service.claim_create(
        programme=prog,
        period=period,
        kind="achieved",
        verification="self",
        statement="Neutral in 2026.",
        by=staff_user,
    )
    requirements = list(claim.requirements.all())
    assert len(requirements) == len(claims_service.DEFAULT_REQUIREMENTS)
    with pytest.raises(claims_service.ClaimBlocked) as refused:
        claims_service.claim_make(claim=claim, by=staff_user)
    assert refused.value.missing == list(claims_service.DEFAULT_REQUIREMENTS)
    assert refused.value.problems == []
    for requirement in requirements[:3]:
        claims_service.requirement_evidence_set(
            requirement=requirement, evidence_reference="EV-0042", by=staff_user
        )
    with pytest.raises(claims_service.ClaimBlocked) as refused:
        claims_service.claim_make(claim=claim, by=staff_user)
    assert refused.value.missing == [requirements[3].title]
    assert requirements[3].title in refused.value.message
    assert NeutralityClaim.objects.get(pk=claim.pk).status == "draft"
    claims_service.requirement_evidence_set(
        requirement=requirements[3], evidence_reference="Website, 2027-01", by=staff_user
    )
    made = claims_service.claim_make(claim=claim, by=staff_user)
    assert made.status == "made"
    assert made.made_by == staff_user
    with pytest.raises(TransitionNotAllowed):
        service.period_save(
            programme=prog, year=2026, source="entered", footprint_tco2e=Decimal(1), source_note="x"
        )


def test_an_offset_only_claim_is_refused(site):
    """2026 emits what the base period did (1,000 t, no reduction) and retires 1,000 t of credits:
    the balance is 0 but the claim rests on offsets alone and is refused."""
    prog = programme(site.organisation)
    entered(prog, 2024, "1000")
    period = entered(prog, 2026, "1000")
    retire(prog, period, 1, 1000)
    claim = claims_service.claim_create(
        programme=prog,
        period=period,
        kind="achieved",
        verification="self",
        statement="Neutral.",
        requirements=["Statement"],
    )
    claims_service.requirement_evidence_set(requirement=claim.requirements.get(), evidence_reference="EV-1")
    with pytest.raises(claims_service.ClaimBlocked) as refused:
        claims_service.claim_make(claim=claim)
    assert "offsets alone" in refused.value.message
    assert NeutralityClaim.objects.get(pk=claim.pk).status == "draft"


def test_an_achieved_claim_needs_the_balance_covered(site):
    """Base 1,000 t, 2026 800 t, 700 t of credits: 100 t left over, refused with the figure."""
    prog = programme(site.organisation)
    entered(prog, 2024, "1000")
    period = entered(prog, 2026, "800")
    retire(prog, period, 1, 700)
    claim = claims_service.claim_create(
        programme=prog,
        period=period,
        kind="achieved",
        verification="self",
        statement="Neutral.",
        requirements=["Statement"],
    )
    claims_service.requirement_evidence_set(requirement=claim.requirements.get(), evidence_reference="EV-1")
    check = claim_check(claim=claim)
    assert check.problems == ["100 tCO2e of the period are neither removed nor offset."]


def test_a_commitment_needs_a_target_and_reductions_but_not_the_balance(site):
    prog = programme(site.organisation)
    entered(prog, 2024, "1000")
    period = entered(prog, 2025, "950")
    claim = claims_service.claim_create(
        programme=prog,
        period=period,
        kind="committed",
        verification="third_party",
        verifier="CQC",
        statement="We commit to neutrality by 2030.",
        requirements=["Plan approved"],
    )
    claims_service.requirement_evidence_set(
        requirement=claim.requirements.get(), evidence_reference="Board minutes 2025-04"
    )
    with pytest.raises(claims_service.ClaimBlocked) as refused:
        claims_service.claim_make(claim=claim)
    assert refused.value.problems == ["A commitment needs a reduction target in the management plan."]
    service.target_create(
        programme=prog, description="Down 40 %", target_year=2029, reduction_percent=Decimal(40)
    )
    assert claims_service.claim_make(claim=claim).status == "made"


def test_a_claim_without_a_base_period_footprint_is_refused(site):
    prog = programme(site.organisation)
    period = entered(prog, 2026, "800")
    claim = claims_service.claim_create(
        programme=prog, period=period, kind="achieved", verification="self", statement="x", requirements=["a"]
    )
    assert any("base period 2024" in p for p in claim_check(claim=claim).problems)


def test_a_third_party_claim_names_its_verifier(site):
    prog, period = _ready_period(site)
    with pytest.raises(service.NeutralityInvalid) as refused:
        claims_service.claim_create(
            programme=prog, period=period, kind="achieved", verification="third_party", statement="x"
        )
    assert refused.value.field == "verifier"
    assert not NeutralityClaim.objects.exists()


def test_a_target_date_before_the_base_period_is_refused(site):
    with pytest.raises(service.NeutralityInvalid) as refused:
        programme(site.organisation, base_year=2024, target_date=dt.date(2024, 6, 1))
    assert refused.value.field == "target_date"


def test_programme_references_are_unique(site):
    programme(site.organisation)
    with pytest.raises(AlreadyExists):
        programme(site.organisation)


def test_an_action_has_an_owner_and_its_due_date_after_the_start(site, staff_user):
    prog = programme(site.organisation)
    with pytest.raises(service.NeutralityInvalid) as refused:
        service.action_create(
            programme=prog,
            title="Heat pump",
            owner=staff_user,
            start_date=dt.date(2026, 5, 1),
            due_date=dt.date(2026, 4, 1),
        )
    assert refused.value.field == "due_date"
    action = service.action_create(
        programme=prog,
        title="Heat pump",
        owner=staff_user,
        start_date=dt.date(2026, 1, 1),
        due_date=dt.date(2026, 9, 1),
    )
    assert service.action_status_set(action=action, status="done").status == "done"


def test_the_balance_and_milestone_formulas_by_hand():
    """Base 1,000, footprint 820 -> reductions 180; removals 20, credits 750 -> balance
    1,000 - 180 - 20 - 750 = 50. Milestones 2024 -> 2029 -> 2036: only 2029-2036 (7 years) is too long."""
    b = formulas.neutrality_balance(
        base_tco2e=Decimal(1000),
        footprint_tco2e=Decimal(820),
        removals_tco2e=Decimal(20),
        credits_tco2e=Decimal(750),
    )
    assert (b.reductions_tco2e, b.balance_tco2e, b.neutral) == (Decimal(180), Decimal(50), False)
    assert b.base_tco2e - b.reductions_tco2e - b.removals_tco2e - b.credits_tco2e == b.balance_tco2e
    unknown = formulas.neutrality_balance(
        base_tco2e=None, footprint_tco2e=Decimal(10), removals_tco2e=Decimal(0), credits_tco2e=Decimal(10)
    )
    assert (unknown.reductions_tco2e, unknown.balance_tco2e, unknown.neutral) == (None, Decimal(0), True)
    assert formulas.milestone_gaps(base_year=2024, milestone_years=[2029], target_year=2036) == [(2029, 2036)]
    assert formulas.milestone_gaps(base_year=2024, milestone_years=[2032, 2029], target_year=2036) == []


def test_the_database_refuses_a_first_serial_twice_in_a_block_and_a_quantity_off_the_range(site):
    prog = programme(site.organisation)
    credit = retire(prog, entered(prog, 2025, "300"), 1, 100)
    fields = {
        f.name: getattr(credit, f.name)
        for f in CarbonCredit._meta.concrete_fields
        if f.name not in ("id", "created_at")
    }
    fields = {**fields, "programme": prog, "period": credit.period, "block": credit.block, "created_by": None}
    fields.pop("programme_id", None)
    with pytest.raises(IntegrityError), transaction.atomic():
        CarbonCredit.objects.create(**{**fields, "serial_end": 50, "quantity_tco2e": 50})
    with pytest.raises(IntegrityError), transaction.atomic():
        CarbonCredit.objects.create(
            **{**fields, "serial_start": 200, "serial_end": 209, "quantity_tco2e": 11}
        )
    assert CarbonCredit.objects.count() == 1


def test_a_products_footprint_comes_from_its_issued_footprint_study(site, staff_user):
    """The worked example of the footprint tests (2023, allocated by mass): 625,500 kgCO2e * 2/3 =
    417,000 kg on 2,000 t of black mass (208.5 kg/t), so the product's 2023 footprint is 417 tCO2e."""
    from accounting.services import footprints as footprint_service

    from .test_footprints import _worked_example

    study = _worked_example(site)
    prog = service.programme_create(
        reference="CN-BM",
        title="Black mass",
        organisation=site.organisation,
        subject="product",
        product_name="Black mass, 1 t",
        boundary="Cradle to gate",
        base_year=2023,
        target_date=dt.date(2028, 1, 1),
    )
    with pytest.raises(service.NeutralityInvalid, match="not been issued") as draft:
        service.period_save(programme=prog, year=2023, source="study", footprint_study=study)
    assert draft.value.field == "footprint_study"
    assert not prog.periods.exists()
    footprint_service.footprint_study_issue(study=study, by=staff_user)
    period = service.period_save(programme=prog, year=2023, source="study", footprint_study=study)
    assert period.footprint_tco2e == Decimal("417.000")
    assert (period.footprint_result.study, period.footprint_result.version) == (study, 1)
    assert "version 1" in period.source_note
    assert "208.5" in period.source_note
    with pytest.raises(service.NeutralityInvalid, match="not the year 2024"):
        service.period_save(programme=prog, year=2024, source="study", footprint_study=study)
    with pytest.raises(service.NeutralityInvalid, match="Choose the footprint study"):
        service.period_save(programme=prog, year=2023, source="study")
    organisation = service.programme_create(
        reference="CN-O2",
        title="Organisation",
        organisation=site.organisation,
        subject="organisation",
        boundary="Operational control",
        base_year=2023,
        target_date=dt.date(2028, 1, 1),
    )
    with pytest.raises(service.NeutralityInvalid, match="product's"):
        service.period_save(programme=organisation, year=2023, source="study", footprint_study=study)
    # Switching the period to an entered footprint drops the link to the study.
    entered_again = service.period_save(
        programme=prog, year=2023, source="entered", footprint_tco2e=Decimal(400), source_note="Verifier"
    )
    assert entered_again.footprint_result is None
