"""The words files use that are not a contract column's header: race/ethnicity and job classes as HR
systems and DESE write them, yes/no, the suffixes of wide race columns, and columns read past (names,
gender). A contract column's header spellings live with it in analytics/contracts.py. Everything is
matched on a normalised key (see `spelling`), so case, punctuation and spacing never matter."""

from __future__ import annotations

import re

from analytics import definitions as d

_NOT_WORD = re.compile(r"[^a-z0-9#%]+")


def spelling(text: object) -> str:
    """Normalised spelling for matching: 'Multi-Race,Non-Hispanic (#)' -> 'multi race non hispanic #'."""
    if text is None:
        return ""
    t = str(text).strip().lower().replace("(#)", " # ").replace("(%)", " % ")
    return _NOT_WORD.sub(" ", t).strip()


# Race/ethnicity: DESE's category names, DESE's report headers, open-data column prefixes (new and old),
# and how HR systems and federal forms spell them.
RACE_SPELLINGS: dict[str, tuple[str, ...]] = {
    "African American/Black": (
        "african american black",
        "african american",
        "black",
        "black or african american",
        "black african american",
        "african american or black",
        "black non hispanic",
        "baa",
        "aframe",
    ),
    "Asian": ("asian", "asian american", "asian non hispanic", "as"),
    "Hispanic/Latino": (
        "hispanic latino",
        "hispanic",
        "latino",
        "latina",
        "latinx",
        "hispanic or latino",
        "hispanic latinx",
        "hispanic or latinx",
        "hl",
    ),
    "Native American": (
        "native american",
        "american indian or alaska native",
        "american indian",
        "alaska native",
        "american indian alaska native",
        "american indian alaskan native",
        "aian",
        "natame",
    ),
    "Native Hawaiian/Pacific Islander": (
        "native hawaiian pacific islander",
        "native hawaiian or other pacific islander",
        "native hawaiian or pacific islander",
        "native hawaiian other pacific islander",
        "pacific islander",
        "native hawaiian",
        "nhpi",
        "nathpi",
    ),
    "Multi-Race Non-Hispanic": (
        "multi race non hispanic",
        "multi race",
        "multiracial",
        "multi racial",
        "two or more races",
        "two or more",
        "two or more races non hispanic",
        "multi race non hispanic or latino",
        "mnhl",
        "multinh",
    ),
    "White": ("white", "white non hispanic", "caucasian", "wh"),
    "Unknown": (
        "unknown",
        "not specified",
        "not reported",
        "declined",
        "declined to state",
        "declined to answer",
        "prefer not to say",
        "not provided",
    ),
}
RACE_BY_KEY: dict[str, str] = {k: race for race, keys in RACE_SPELLINGS.items() for k in keys}

# Job classes: DESE's names, their plurals and common variants.
JOB_CLASS_SPELLINGS: dict[str, tuple[str, ...]] = {
    "Superintendent": ("superintendent", "superintendents", "supt"),
    "Assistant Superintendent": (
        "assistant superintendent",
        "assistant superintendents",
        "asst superintendent",
        "deputy superintendent",
    ),
    "Principal": ("principal", "principals", "school principal"),
    "Assistant Principal": (
        "assistant principal",
        "assistant principals",
        "asst principal",
        "vice principal",
    ),
    "Teacher": ("teacher", "teachers", "classroom teacher"),
    "Central Office Administrator": (
        "central office administrator",
        "central office administrators",
        "central office",
        "district administrator",
    ),
    "Paraprofessional": ("paraprofessional", "paraprofessionals", "para", "paras", "instructional aide"),
    "Other Staff": ("other staff", "other"),
}
JOB_CLASS_BY_KEY: dict[str, str] = {k: jc for jc, keys in JOB_CLASS_SPELLINGS.items() for k in keys}
# Rows summing every job class: loading them next to the classes would count people twice.
ALL_JOB_CLASSES_KEYS = frozenset({"all", "all job classifications", "all job classes", "total", "all staff"})

TRUE_KEYS = frozenset({"yes", "y", "true", "t", "1", "x", "member", "adopted", "done"})
FALSE_KEYS = frozenset({"no", "n", "false", "f", "0", "not a member", "not adopted", "not done"})

# How a race column's header says what it holds: 'asian #' / 'as cnt' (counts), 'asian %' / 'as pct'.
COUNT_SUFFIXES = ("#", "cnt", "count", "fte", "n", "number")
PERCENT_SUFFIXES = ("%", "pct", "percent", "percentage")

# Columns naming a person: a file with them is a per-person roster; they are never stored.
PERSON_KEYS = frozenset(
    {
        "employee id",
        "employee number",
        "emp id",
        "staff id",
        "mepid",
        "name",
        "first name",
        "last name",
        "middle name",
        "employee name",
        "full name",
        "email",
        "fellow name",
    }
)
# Columns to recognise (so the header is found) but ignore: people's names and ids, gender, and the like.
IGNORED_KEYS = PERSON_KEYS | frozenset(
    {
        "females #",
        "males #",
        "non binary #",
        "females %",
        "males %",
        "non binary %",
        "female",
        "male",
        "females",
        "males",
        "non binary",
        "gender",
        "jobclass cat",
        "job category",
        "fem cnt",
        "male cnt",
        "fem pct",
        "male pct",
        "nb cnt",
        "nb pct",
        "hire date",
        "date of birth",
        "dob",
        "department",
        "building",
        "location",
        "notes",
        "note",
    }
)


def race_column(header_key: str) -> tuple[str, str] | None:
    """(race, 'count' | 'percent') for a wide race column header such as 'asian #' or 'baa pct'."""
    words = header_key.split(" ")
    measure = "count"
    if len(words) > 1 and words[-1] in PERCENT_SUFFIXES:
        measure, words = "percent", words[:-1]
    elif len(words) > 1 and words[-1] in COUNT_SUFFIXES:
        words = words[:-1]
    race = RACE_BY_KEY.get(" ".join(words))
    if race is None or race == d.UNKNOWN_RACE:
        return None
    return race, measure


# Student groups as DESE's reports wrote them over the years (its race names changed in 2020-21: "Afr.
# Amer./Black" became "African American/Black", and some reports say "Black or African American"), read
# to the names the warehouse keeps (definitions.STUDENT_GROUPS). The race groups also take every spelling of
# RACE_SPELLINGS. A group not listed here is kept as written: DESE adds groups.
STUDENT_GROUP_SPELLINGS: dict[str, tuple[str, ...]] = {
    d.ALL_STUDENTS: ("all students", "all student", "all"),
    "African American/Black": ("afr amer black", "african american black", "black or african american"),
    "Asian": ("asian",),
    "Hispanic/Latino": ("hispanic or latino", "hispanic latino"),
    "Native American": (
        "american indian or alaska native",
        "american indian or alaskan native",
        "amer ind or alaska nat",
    ),
    "Native Hawaiian/Pacific Islander": ("native hawaiian or other pacific islander", "nat haw or pacif isl"),
    "Multi-Race Non-Hispanic": (
        "multi race not hispanic or latino",
        "multi race non hispanic or latino",
        "multi race non hisp lat",
        "multi race non hispanic",
    ),
    "White": ("white",),
    "High Needs": ("high needs", "high need"),
    "Low Income": ("low income",),
    "Economically Disadvantaged": ("economically disadvantaged", "econ disadvantaged", "econ disadv"),
    "English Learners": (
        "english learners",
        "english learner",
        "english language learners",
        "english language learner",
        "lep english language learner",
        "limited english proficient",
        "lep",
        "ell",
        "ells",
        "el",
    ),
    "Former English Learners": (
        "former english learners",
        "former english learner",
        "former ell",
        "former ells",
        "former el",
    ),
    "Students with Disabilities": (
        "students with disabilities",
        "student with disabilities",
        "students with disability",
        "students w disabilities",
        "swd",
    ),
    "Female": ("female", "females"),
    "Male": ("male", "males"),
    "Non-Binary": ("non binary", "nonbinary"),
}
STUDENT_GROUP_BY_KEY: dict[str, str] = {
    **{k: race for race, keys in RACE_SPELLINGS.items() if race != d.UNKNOWN_RACE for k in keys},
    **{k: group for group, keys in STUDENT_GROUP_SPELLINGS.items() for k in keys},
}


def student_group(text: object) -> str | None:
    """The warehouse's name of a student group as any year's report spells it ('Afr. Amer./Black' ->
    'African American/Black'); None for a group it does not list."""
    return STUDENT_GROUP_BY_KEY.get(spelling(text))


# What DESE and spreadsheets write in a cell whose figure is not published: read as empty (not published).
NOT_PUBLISHED_MARKS = frozenset({"-", "—", "–", "--", "*", "**", "***", "n/a", "na", "†"})
