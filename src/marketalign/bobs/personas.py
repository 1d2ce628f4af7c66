"""Taste-community personas: chat-model Bobs that speak for a MovieLens taste community (our design, [OURS]).

Community j is the one behind the taste-community Bob j of :mod:`marketalign.bobs.communities` (an anchor user
and his most similar users, Alice excluded). Its *taste* for a genre is how much more the community likes the
genre than everyone does: the community's mean rating of the genre's movies minus its mean rating of every
movie, less the same difference over every user but Alice; over genres the community rated at least
``min_ratings`` times. Its persona, a system message for a chat model, names the ``liked`` genres of highest
taste and the ``disliked`` genres of lowest:

    "You are a movie lover. You enjoy Film-Noir, War and Documentary films most, and you rarely enjoy Horror or
    Children films."

A prompt Bob with that persona guesses the community's ratings from a movie's title and genres, with no rating
of anyone in the prompt; Alice's ratings are used nowhere. ``python -m marketalign.bobs.personas`` prints the
personas as a TOML list for a ``bobs generate`` config (``configs/bobs/movielens-qwen.toml`` holds the one
behind Figure 3 with LLM Bobs).
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from marketalign.bobs.communities import CommunityBobs, community_ratings
from marketalign.data.movielens import NO_GENRES, MovieLens
from marketalign.errors import InputError


def genre_tastes(data: MovieLens, user: int, family: CommunityBobs, min_ratings: int = 50) -> pd.DataFrame:
    """Each community's taste for each genre it rated at least ``min_ratings`` times (module docstring).

    Returns
    -------
    DataFrame
        One row per (bob, genre): ``bob`` (0..K-1), ``genre``, ``ratings`` (the community's ratings of the
        genre's movies) and ``taste`` (module docstring), by bob then decreasing taste (ties by genre name).

    Raises
    ------
    InputError
        As :func:`~marketalign.bobs.communities.community_scores`.
    """
    rated = community_ratings(data, user, family)
    genres = data.movies.set_index("movie")["genres"].reindex(rated.movies).fillna(NO_GENRES)
    names = sorted({g for listed in genres for g in listed.split("|")} - {NO_GENRES})
    members = np.array([[name in listed.split("|") for listed in genres] for name in names], dtype=np.float64)
    sums, counts = rated.sums @ members.T, rated.counts @ members.T  # (K, genres)
    lift = sums / np.where(counts > 0, counts, 1.0) - (rated.sums.sum(axis=1) / rated.counts.sum(axis=1))[:, None]
    others = data.ratings.loc[data.ratings["user"] != user, ["movie", "rating"]].astype({"rating": np.float64})
    per_movie = others.groupby("movie")["rating"].agg(["sum", "count"]).reindex(rated.movies, fill_value=0)
    everyone = (members @ per_movie["sum"].to_numpy()) / np.maximum(members @ per_movie["count"].to_numpy(), 1)
    everyone -= others["rating"].mean()
    table = pd.DataFrame({
        "bob": np.repeat(np.arange(len(sums)), len(names)),
        "genre": np.tile(names, len(sums)),
        "ratings": counts.ravel().astype(np.int64),
        "taste": (lift - everyone[None, :]).ravel(),
    })
    table = table[table["ratings"] >= min_ratings]
    return table.sort_values(["bob", "taste", "genre"], ascending=[True, False, True], ignore_index=True)


def community_personas(data: MovieLens, user: int, family: CommunityBobs, liked: int = 3, disliked: int = 2,
                       min_ratings: int = 50) -> list[str]:
    """The persona of each of the family's communities for Alice = ``user`` (module docstring).

    Raises
    ------
    InputError
        When a community rated fewer than ``liked + disliked`` genres ``min_ratings`` times, or as
        :func:`genre_tastes`.
    """
    personas = []
    for bob, tastes in genre_tastes(data, user, family, min_ratings).groupby("bob", sort=True):
        ranked = list(tastes["genre"])
        if len(ranked) < liked + disliked:
            raise InputError(f"community {bob} rated only {len(ranked)} genres {min_ratings} times or more; "
                             "lower min_ratings or ask for fewer liked and disliked genres.")
        personas.append(f"You are a movie lover. You enjoy {_listed(ranked[:liked], 'and')} films most, and you "
                        f"rarely enjoy {_listed(ranked[len(ranked) - disliked:][::-1], 'or')} films.")
    return personas


def _listed(words: list[str], last: str) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def main() -> None:
    from marketalign.data.sources import movielens_data

    parser = argparse.ArgumentParser(prog="python -m marketalign.bobs.personas", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--user", type=int, default=414, help="Alice's MovieLens user id (excluded everywhere)")
    parser.add_argument("--bobs", type=int, default=16, help="how many communities (the first of the family)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the communities' anchors")
    args = parser.parse_args()
    family = CommunityBobs(n_bobs=args.bobs, prior="community", seed=args.seed)
    print("personas = [")
    for persona in community_personas(movielens_data(None).data, args.user, family):
        print(f'  "{persona}",')
    print("]")


if __name__ == "__main__":
    main()
