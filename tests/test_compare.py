"""Change detection between two snapshots: every kind of change, and what is not a change."""
from __future__ import annotations

import json


from reports import report
from tracker.compare import compare
from tracker.parse import parse_report

A, B, C = "2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"


def snap(at=A, **kw):
    return parse_report(report(at=at, **kw))


def material(changes):
    return [(c.category, c.kind, c.field) for c in changes if c.material]


def test_identical_reports_have_no_changes():
    assert compare(snap(), snap(at=A)) == []


def test_reworded_descriptions_and_renumbered_citations_are_not_material():
    old = snap()
    new = snap(at=B, regulators=[
        "Central Bank of Testland (CBT): Supervises payments and how banks deal with crypto businesses.[7]",
        "Testland Financial Authority (TFA): The licensing and supervisory authority for exchanges.[4]",
    ], laws=[
        "AML Regulations 2023: In effect from 1 June 2023; extend anti-money-laundering duties to providers.[9]",
        "Virtual Assets Act 2021 (VAA): Effective 01.03.2022; sets up the licensing regime.[2]",
    ], licensing=["AML/CFT compliance including Travel Rule transfers.[5]",
                  "Capital: at least USD 1 million.[6]"])
    changes = compare(old, new)
    assert material(changes) == []
    assert any(c.field == "role" and not c.material for c in changes)


def test_a_variant_name_is_the_same_law():
    old = snap(laws=["Law of the Republic of Testland On Virtual Assets: Effective 1 March 2022.[1]",
                     "AML Regulations 2023: Effective June 1, 2023.[3]"])
    new = snap(at=B, laws=["Law on Virtual Assets (VA Law): In force since 1 March 2022.[2]",
                           "AML Regulations 2023: Effective June 1, 2023.[3]"])
    assert material(compare(old, new)) == []


def test_an_acronym_added_or_dropped_is_the_same_regulator():
    old = snap(regulators=["Testland Financial Authority: Licenses exchanges.[1]"])
    new = snap(at=B, regulators=["TFA (Testland Financial Authority): Licenses exchanges.[1]"])
    assert material(compare(old, new)) == []


def test_a_law_added_and_a_law_removed_without_a_word_why():
    old = snap()
    new = snap(at=B, laws=["Virtual Assets Act 2021 (VAA): In force since 1 March 2022.[1]",
                           "Stablecoin Act 2026: Effective 1 January 2027; licenses stablecoin issuers.[4]"])
    changes = compare(old, new)
    assert material(changes) == [("law", "added", None)]
    removed = next(c for c in changes if c.kind == "removed")
    assert removed.entity == "AML Regulations 2023"
    # not news yet: it waits for the next report to be absent too
    assert (removed.confirmed, removed.material) == (False, False)
    later = snap(at=C, laws=["Virtual Assets Act 2021 (VAA): In force since 1 March 2022.[1]",
                             "Stablecoin Act 2026: Effective 1 January 2027; licenses stablecoin issuers.[4]"])
    removed = next(c for c in compare(old, new, after=later) if c.kind == "removed")
    assert (removed.confirmed, removed.material) == (False, True)


def test_a_removal_the_report_explains_is_confirmed():
    old = snap()
    new = snap(at=B, laws=["Virtual Assets Act 2021 (VAA): In force since 1 March 2022.[1]",
                           "AML Act 2026: Effective 1 January 2026; repealed and replaced the AML Regulations 2023.[4]"])
    removed = next(c for c in compare(old, new) if c.kind == "removed")
    assert removed.confirmed is True
    assert "repealed" in removed.evidence


def test_an_effective_date_moved_is_material():
    old = snap(laws=["Stablecoin Act 2026: Commencement set from 1 January 2027.[1]"])
    new = snap(at=B, laws=["Stablecoin Act 2026: Commencement deferred from 1 January 2027 to 1 July 2027.[1]"])
    (c,) = [c for c in compare(old, new) if c.material]
    assert (c.category, c.kind, c.field, c.old, c.new) == ("law", "changed", "effective_date", "2027-01-01",
                                                          "2027-07-01")


def test_a_date_made_more_precise_is_a_refinement_not_a_change():
    old = snap(laws=["Digital Code: Takes effect in July 2026.[1]"])
    new = snap(at=B, laws=["Digital Code: Takes effect on 11 July 2026.[1]"])
    (c,) = [c for c in compare(old, new) if c.field == "effective_date"]
    assert c.refinement and not c.material


def test_a_date_that_appears_is_material():
    old = snap(laws=["Amendment Act 2025: Enacted June 2025; no effective date has been set yet.[1]"])
    new = snap(at=B, laws=["Amendment Act 2025: A Cabinet Order set the effective date at June 1, 2026.[1]"])
    (c,) = [c for c in compare(old, new) if c.field == "effective_date"]
    assert c.material and (c.old, c.new) == (None, "2026-06-01")


def test_a_status_that_advances_is_material():
    old = snap(at="2026-01-01T00:00:00Z", laws=["Tax Act 2025: Takes effect on 1 February 2026.[1]"])
    new = snap(at="2026-03-01T00:00:00Z", laws=["Tax Act 2025: In force since 1 February 2026.[1]"])
    (c,) = [c for c in compare(old, new) if c.material]
    assert (c.field, c.old, c.new) == ("status", "adopted", "in_force")


def test_a_regulator_renamed_with_a_new_acronym():
    old = snap(regulators=["Securities and Commodities Authority (SCA): Licenses VASPs onshore.[1]"])
    new = snap(at=B, regulators=["Capital Market Authority (CMA): Known until May 2026 as the Securities and "
                                 "Commodities Authority (SCA); licenses VASPs onshore.[2]"])
    changes = [c for c in compare(old, new) if c.material]
    assert {(c.field, c.old, c.new) for c in changes} == {
        ("name", "Securities and Commodities Authority", "Capital Market Authority"), ("acronym", "SCA", "CMA")}
    assert all(c.entity == "Securities and Commodities Authority" for c in changes)


def test_a_renamed_body_that_kept_its_acronym_is_the_same_body():
    old = snap(regulators=["Financial Conduct Board (FCB): Licenses exchanges.[1]"])
    new = snap(at=B, regulators=["Financial Services Commission (FCB): Licenses exchanges.[1]"])
    changes = compare(old, new)
    assert not any(c.kind in ("added", "removed") for c in changes if c.category == "regulator")


def test_the_trading_stance_changed():
    old = snap(stance="Crypto trading is legal only in a restricted form.")
    new = snap(at=B, stance="Crypto trading is legal and regulated nationwide.")
    (c,) = [c for c in compare(old, new) if c.material]
    assert (c.category, c.field, c.old, c.new) == ("stance", "trading", "restricted", "legal_regulated")


def test_a_capital_requirement_raised():
    old = snap(licensing=["Minimum capital of ₦500 million for exchanges.[1]"])
    new = snap(at=B, licensing=["The SEC raised minimum capital from ₦500 million to ₦2 billion.[1]"])
    (c,) = [c for c in compare(old, new) if c.material]
    assert (c.category, c.kind, c.old, c.new) == ("licensing", "changed", "₦500 million (NGN 500 million)",
                                                 "₦2 billion (NGN 2 billion)")
    assert c.entity.startswith("minimum capital")


def test_a_body_that_checks_a_duty_replaced_by_another():
    old = snap(regulators=["Testland Financial Authority (TFA): Licenses exchanges.[1]",
                           "Testland Research Council (TRC): Certifies information systems.[2]"],
               licensing=["Information systems certified against TRC criteria.[2]"])
    new = snap(at=B, regulators=["Testland Financial Authority (TFA): Licenses exchanges.[1]",
                                 "Digital Security Agency (DSA): Certifies information systems.[2]"],
               licensing=["Certification of information systems by the DSA.[2]"])
    (c,) = [c for c in compare(old, new) if c.material and c.category == "licensing"]
    assert (c.kind, c.old, c.new) == ("changed", "TRC", "DSA")


def test_a_range_reworded_is_not_a_change():
    old = snap(licensing=["Minimum capital of between R$10.8 million and R$37.2 million.[1]"])
    new = snap(at=B, licensing=["Minimum capital from R$10.8 million up to R$37.2 million.[1]"])
    assert material(compare(old, new)) == []


def test_a_licensing_requirement_added_and_one_dropped():
    old = snap(licensing=["Minimum capital of USD 1 million.[1]",
                          "A security deposit of USD 100,000 must be lodged.[2]"])
    new = snap(at=B, licensing=["Minimum capital of USD 1 million.[1]",
                                "Security deposit: no longer required; the regulator dropped it.[2]",
                                "Licensees must obtain a quarterly attestation from an independent auditor.[3]"])
    changes = {c.kind: c for c in compare(old, new) if c.material}
    assert set(changes) == {"added", "removed"}
    assert "attestation" in changes["added"].entity
    assert changes["removed"].entity.startswith("security deposit")
    assert changes["removed"].confirmed is True


def test_split_and_merged_requirement_bullets_are_not_changes():
    old = snap(licensing=["Minimum capital of USD 1 million and AML/CFT compliance.[1]"])
    new = snap(at=B, licensing=["Capital: USD 1 million.[1]", "AML/CFT: KYC and the Travel Rule.[2]"])
    assert material(compare(old, new)) == []


def test_a_requirement_of_its_own_kind_is_followed_through_rewording():
    old = snap(licensing=["Existing operators must enter the ARIP incubation programme first.[1]"])
    new = snap(at=B, licensing=["ARIP: operators already active must onboard through the incubation programme.[2]"])
    assert material(compare(old, new)) == []
    gone = snap(at=C, licensing=["ARIP no longer applies: operators now apply directly.[2]"])
    (c,) = [c for c in compare(new, gone) if c.material]
    assert (c.kind, c.confirmed) == ("removed", True)


def test_an_omission_is_not_a_removal_and_re_addition():
    full = snap()
    short = snap(at=B, regulators=["Testland Financial Authority (TFA): Licenses and supervises exchanges.[1]"])
    back = snap(at=C)
    removal = next(c for c in compare(full, short, after=back) if c.kind == "removed")
    return_ = next(c for c in compare(short, back, before=full) if c.kind == "added")
    assert removal.omission and not removal.material and removal.confirmed is False
    assert return_.omission and not return_.material


def test_a_collapsed_section_is_suspect_not_a_wave_of_removals():
    laws = [f"Instrument Act {y}: In force since {y}.[1]" for y in (2001, 2005, 2009, 2013, 2017)]
    full = snap(laws=laws)
    collapsed = snap(at=B, laws=laws[:1])
    removals = [c for c in compare(full, collapsed) if c.kind == "removed"]
    assert len(removals) == 4 and all(c.suspect and not c.material for c in removals)
    back = snap(at=C, laws=laws)
    additions = [c for c in compare(collapsed, back, before=full) if c.kind == "added"]
    assert len(additions) == 4 and not any(c.material for c in additions)


def test_a_removal_stays_material_when_the_entity_does_not_come_back():
    full = snap()
    short = snap(at=B, regulators=["Testland Financial Authority (TFA): Licenses and supervises exchanges.[1]"])
    removal = next(c for c in compare(full, short, after=short) if c.kind == "removed")
    assert removal.material and not removal.omission


def test_other_sections_are_never_material():
    old = snap(extra="Taxation\nGains are taxed at 10%.[4]\n")
    new = snap(at=B, extra="Taxation\nGains are taxed at 15%.[4]\nStablecoins\nOnly banks may issue them.[5]\n")
    changes = compare(old, new)
    assert {c.category for c in changes if c.category == "other"} == {"other"}
    assert material(changes) == []


def test_paraphrase_only_pairs_of_the_corpus_have_no_material_change(corpus):
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    changed = {(c["from"], c["to"]) for c in truth["changes"]}
    truth["reports"] = {n: r for n, r in truth["reports"].items() if (corpus / n).exists()}
    by_place: dict[str, list[str]] = {}
    for name, r in truth["reports"].items():
        by_place.setdefault(r["jurisdiction"], []).append(name)
    quiet = 0
    for names in by_place.values():
        names.sort(key=lambda n: truth["reports"][n]["generated_at"])
        for a, b in zip(names, names[1:]):
            if (a, b) in changed:
                continue
            quiet += 1
            old = parse_report((corpus / a).read_text(encoding="utf-8"))
            new = parse_report((corpus / b).read_text(encoding="utf-8"))
            assert [c for c in compare(old, new) if c.material] == [], f"{a} -> {b}"
    assert quiet >= 5
