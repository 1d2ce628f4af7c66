"""Figure 3 with a language model's persona Bobs: the matrix path, its checks, and the personas behind it."""

import gzip
import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from marketalign.bobs.communities import CommunityBobs, _build_market, community_scores
from marketalign.bobs.personas import community_personas, genre_tastes
from marketalign.cli import main
from marketalign.data.llm_scores import MOVIELENS_LLM_DIR, load_llm_scores
from marketalign.data.sources import movielens_data
from marketalign.errors import InputError
from marketalign.experiments import fig3
from marketalign.hull.curves import CurveConfig

USER = 414


@pytest.fixture(scope="module")
def movies():
    return movielens_data(None)


def _matrix(folder, movies, n_items=80, n_bobs=4, alice_shift=0.0, instance=None, personas=None):
    """A matrix folder in the packed layout: user 414's rating of seeded movies, Bobs = her communities' scores
    plus noise (no model)."""
    (alice,) = community_scores(movies.data, [USER], CommunityBobs(n_bobs=n_bobs, prior="community"))
    rng = np.random.default_rng(5)
    rows = np.sort(rng.choice(len(alice.movies), n_items, replace=False))
    bobs = [f"llm_{j:03d}" for j in range(n_bobs)]
    table = pd.DataFrame({"instance": instance or [f"movie:{m}" for m in alice.movies[rows]],
                          "alice": alice.ratings[rows] + alice_shift})
    for j, bob in enumerate(bobs):
        table[bob] = alice.scores[rows, j] + rng.normal(0, 0.3, n_items)
    folder.mkdir()
    (folder / "scores.csv.gz").write_bytes(gzip.compress(table.to_csv(index=False).encode()))
    personas = personas or [f"persona {b}" for b in bobs]
    provenance = {"bobs": [{"column": b, "persona": p} for b, p in zip(bobs, personas, strict=True)], "seed": 0,
                  "model": {"name": "a model", "sha256": "0" * 64}, "family": {"name": "test"},
                  "data": {"rows": n_items, "sha256": "ab" * 32}, "counts": {"asked": n_items * n_bobs}}
    (folder / "provenance.json").write_text(json.dumps(provenance))
    return load_llm_scores(folder)


def test_llm_bobs_are_fitted_and_compared_with_as_many_community_bobs_on_the_same_movies(tmp_path, movies):
    matrix = _matrix(tmp_path / "m", movies)
    config = fig3.Fig3Config(bobs="llm", curve=CurveConfig(orderings=3))
    llm, communities = fig3.compute_llm(matrix, movies, config)
    assert list(llm.scores.columns) == ["alice", *matrix.bobs]
    assert list(communities.scores.columns) == ["alice", *(f"community_{j:03d}" for j in range(4))]
    np.testing.assert_array_equal(llm.scores["alice"], communities.scores["alice"])
    # the community Bobs are the ones the matrix was made from, on its movies, before the noise
    noise = llm.scores[matrix.bobs].to_numpy() - communities.scores.iloc[:, 1:].to_numpy()
    assert 0.2 < noise.std() < 0.4
    assert llm.result.config.k_max == communities.result.config.k_max == 4
    assert llm.about["prompts"][0]["persona"] == "persona llm_000"
    assert communities.about["are_the_personas_communities"] is False


def test_the_run_says_whether_the_community_bobs_are_the_ones_the_personas_describe(tmp_path, movies):
    from marketalign.experiments.protocol import RunContext

    family = CommunityBobs(n_bobs=4, prior="community")
    personas = community_personas(movies.data, USER, family)[::-1]  # Bob order does not matter
    _matrix(tmp_path / "m", movies, personas=personas)
    _matrix(tmp_path / "other", movies)
    config = fig3.Fig3Config(bobs="llm", curve=CurveConfig(orderings=2))
    lines = fig3.run(config, RunContext(data=tmp_path / "m")).verdict.lines
    assert any("the communities behind the personas" in line for line in lines), lines
    outcome = fig3.run(config, RunContext(data=tmp_path / "other"))
    assert any("not the communities of the personas" in line for line in outcome.verdict.lines)
    compared = outcome.summary["about"]["communities_on_the_same_movies"]
    assert compared["at_kmax"]["K"] == 4 and compared["family"]["n_bobs"] == 4


def test_a_matrix_made_for_another_user_or_of_other_items_is_refused(tmp_path, movies):
    shifted = _matrix(tmp_path / "a", movies, alice_shift=0.5)
    with pytest.raises(InputError, match="not user 414's ratings"):
        fig3.compute_llm(shifted, movies, fig3.Fig3Config(bobs="llm"))
    with pytest.raises(InputError, match="not user 7's ratings"):
        fig3.compute_llm(_matrix(tmp_path / "b", movies), movies, fig3.Fig3Config(bobs="llm", user=7))
    named = _matrix(tmp_path / "c", movies, n_items=3, instance=["movie:1", "film:2", "movie:3"])
    with pytest.raises(InputError, match="movie:<id>"):
        fig3.compute_llm(named, movies, fig3.Fig3Config(bobs="llm"))


def test_unknown_bobs_are_refused():
    with pytest.raises(InputError, match="communities, llm"):
        fig3.Fig3Config(bobs="gpt")


def test_reproduce_fig3_with_llm_bobs_draws_the_embedded_matrix(tmp_path):
    if not (MOVIELENS_LLM_DIR / "scores.csv.gz").is_file():
        pytest.skip("no embedded Figure 3 LLM matrix")
    out = tmp_path / "fig3_llm"
    result = CliRunner().invoke(main, ["reproduce", "fig3", "--bobs", "llm", "--out", str(out), "--orderings", "5",
                                       "--quiet"])
    assert result.exit_code == 0, result.output
    about = json.loads((out / "summary.json").read_text())["about"]
    assert about["model"]["sha256"] == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert len(about["prompts"]) == 16 and about["items"]["rows"] == 300
    assert about["communities_on_the_same_movies"]["at_kmax"]["K"] == 16
    scores = pd.read_parquet(out / "scores.parquet")
    assert len(scores) == 300 and scores.shape[1] == 17
    assert scores.iloc[:, 1:].stack().between(1, 5).all()


def test_genre_tastes_match_a_direct_computation_from_the_members_ratings(movies):
    """An independent oracle: each community's members (from the market), their ratings with pandas, Alice's
    ratings dropped from everyone's."""
    family = CommunityBobs(n_bobs=3, prior="community")
    tastes = genre_tastes(movies.data, USER, family, min_ratings=1)
    market = _build_market(movies.data, family)
    alice_row = int(np.searchsorted(market.users, USER))
    ratings = movies.data.ratings.astype({"rating": float}).merge(movies.data.movies[["movie", "genres"]], on="movie")
    others = ratings[ratings["user"] != USER]
    exploded = others.assign(genre=others["genres"].str.split("|")).explode("genre")
    everyone = exploded.groupby("genre")["rating"].mean() - others["rating"].mean()
    anchors = [a for a in market.anchors if a != alice_row][:3]
    for bob, anchor in enumerate(anchors):
        ranked = list(market.ranked[list(market.anchors).index(anchor)])
        members = [r for r in ranked if r != alice_row][: family.neighbours]
        own = exploded[exploded["user"].isin(market.users[members])]
        overall = others[others["user"].isin(market.users[members])]["rating"].mean()
        expected = (own.groupby("genre")["rating"].mean() - overall - everyone).drop("(no genres listed)",
                                                                                     errors="ignore")
        got = tastes[tastes["bob"] == bob].set_index("genre")["taste"]
        pd.testing.assert_series_equal(got.sort_index(), expected.dropna().sort_index(), check_names=False,
                                       rtol=1e-9, atol=1e-12)


def test_personas_name_the_liked_and_disliked_genres_in_order(movies):
    family = CommunityBobs(n_bobs=2, prior="community")
    personas = community_personas(movies.data, USER, family)
    tastes = genre_tastes(movies.data, USER, family)
    for bob, persona in enumerate(personas):
        ranked = list(tastes[tastes["bob"] == bob]["genre"])
        assert persona == (f"You are a movie lover. You enjoy {ranked[0]}, {ranked[1]} and {ranked[2]} films most, "
                           f"and you rarely enjoy {ranked[-1]} or {ranked[-2]} films.")
    with pytest.raises(InputError, match="rated only"):
        community_personas(movies.data, USER, family, liked=30, disliked=30)


def test_data_movielens_samples_a_users_movies(tmp_path):
    out = tmp_path / "items.csv"
    result = CliRunner().invoke(main, ["data", "movielens", "embedded", "--user", "414", "--sample", "25",
                                       "--seed", "3", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert len(table) == 25 and table["instance"].is_unique
    assert table["instance"].str.removeprefix("movie:").astype(int).is_monotonic_increasing
    refused = CliRunner().invoke(main, ["data", "movielens", "embedded", "--all", "--sample", "3", "--out",
                                        str(tmp_path / "all")])
    assert refused.exit_code == 2 and "--user" in refused.output
