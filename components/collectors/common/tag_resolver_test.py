from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectors.common.tag_resolver import (
    DEFAULT_ALIASES,
    UNATTRIBUTED,
    Owner,
    TagResolver,
    normalise_key,
    normalise_value,
)


def test_default_aliases_are_the_contract() -> None:
    assert DEFAULT_ALIASES["customer"] == (
        "marqo_customer", "Customer", "customer", "customer-id", "customer_id",
    )  # fmt: skip
    assert DEFAULT_ALIASES["cluster"] == ("marqo_cluster", "Cluster", "cluster", "cluster-name")
    assert DEFAULT_ALIASES["role"] == ("marqo_role", "Role", "role")
    assert DEFAULT_ALIASES["environment"] == ("marqo_environment", "Environment", "env", "Env")


def test_resolves_every_field_and_records_the_customer_rule() -> None:
    owner = TagResolver().resolve(
        {"Customer": "Acme", "Cluster": "search-1", "Role": "api", "env": "Prod", "Name": "x"}
    )
    assert owner == Owner(
        marqo_customer="acme",
        marqo_cluster="search-1",
        marqo_role="api",
        marqo_environment="prod",
        rule="tag:Customer",
    )
    assert owner.is_attributed


def test_first_alias_in_priority_order_wins() -> None:
    owner = TagResolver().resolve({"customer-id": "globex", "marqo_customer": "acme"})
    assert (owner.marqo_customer, owner.rule) == ("acme", "tag:marqo_customer")


def test_keys_match_despite_case_and_whitespace() -> None:
    owner = TagResolver().resolve({"  CUSTOMER ": "Acme", "cluster\tname": "x", "ROLE": "db"})
    assert owner.marqo_customer == "acme"
    assert owner.rule == "tag:  CUSTOMER "  # the key exactly as written on the resource
    assert owner.marqo_role == "db"
    assert owner.marqo_cluster == ""  # `cluster name` is not `cluster-name`


def test_exact_key_beats_a_normalised_one() -> None:
    owner = TagResolver().resolve({" customer": "globex", "Customer": "acme"})
    assert owner.rule == "tag:Customer"
    assert owner.marqo_customer == "acme"


def test_values_are_normalised() -> None:
    assert TagResolver().resolve({"Customer": "  ACME   Corp\n"}).marqo_customer == "acme corp"
    assert normalise_value("\uff2d\u00fcller") == "müller"  # NFKC folds full-width letters
    assert normalise_key(" Customer  ID ") == "customer id"


def test_blank_values_do_not_decide() -> None:
    owner = TagResolver().resolve({"marqo_customer": "   ", "Customer": "acme"})
    assert owner.rule == "tag:Customer"
    owner = TagResolver().resolve({"CUSTOMER": "", "customer ": "globex"})
    assert (owner.marqo_customer, owner.rule) == ("globex", "tag:customer ")


def test_no_owner_tags_is_unattributed_but_other_fields_still_resolve() -> None:
    assert TagResolver().resolve({}) == UNATTRIBUTED
    owner = TagResolver().resolve({"Role": "db", "Name": "x"})
    assert owner.rule == "unattributed"
    assert not owner.is_attributed
    assert owner.marqo_role == "db"


def test_answers_do_not_depend_on_tag_order_or_on_earlier_tags() -> None:
    resolver = TagResolver()
    first = resolver.resolve({"Name": "web-1", "Customer": "Acme", "Role": "api"})
    again = resolver.resolve({"Role": "api", "Customer": "Acme", "Name": "web-2"})
    assert first == again == Owner(marqo_customer="acme", marqo_role="api", rule="tag:Customer")
    # A key first seen as irrelevant on one resource is still only irrelevant: a later
    # resource with an owner tag spelled another way still resolves.
    assert resolver.resolve({"Name": "x"}) == UNATTRIBUTED
    assert resolver.resolve({"Name": "x", " CUSTOMER ": "Globex"}).marqo_customer == "globex"


def test_configured_aliases_replace_only_their_field() -> None:
    resolver = TagResolver({"marqo_customer": ["tenant"], "role": ["component"]})
    owner = resolver.resolve(
        {"Customer": "acme", "Tenant": "Globex", "component": "db", "env": "x"}
    )
    assert (owner.marqo_customer, owner.rule) == ("globex", "tag:Tenant")
    assert owner.marqo_role == "db"
    assert owner.marqo_environment == "x"  # default environment aliases still apply


def test_bad_alias_configuration_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown owner field 'team'"):
        TagResolver({"team": ["Team"]})
    with pytest.raises(ValueError, match="list of non-empty tag keys"):
        TagResolver({"customer": "Customer"})
    with pytest.raises(ValueError, match="list of non-empty tag keys"):
        TagResolver({"customer": ["", "x"]})


@settings(deadline=None)  # shared CI cores: no per-example stopwatch
@given(st.dictionaries(st.text(max_size=20), st.text(max_size=30), max_size=8))
def test_any_tags_resolve_to_an_explained_owner(tags: dict[str, str]) -> None:
    owner = TagResolver().resolve(tags)
    if owner.is_attributed:
        key = owner.rule.removeprefix("tag:")
        assert key in tags
        assert normalise_value(tags[key]) == owner.marqo_customer
    else:
        assert owner.rule == "unattributed"
