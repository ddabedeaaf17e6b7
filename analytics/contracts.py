"""The contract of each upload kind, declared once: the warehouse table it fills, its titles, its columns
with their types, accepted values and every header spelling files use for them, which column holds the
organization and which the school year, and the key a newer upload replaces; also who may upload it, its
template's example row and notes, how a save of it is previewed, and its synthetic sample file. Ingest
recognises and validates by it, the store writes by it, the Upload page, templates, the sample and tests are
built from it: adding a kind is its contract, its migration and its reader."""

from __future__ import annotations

from dataclasses import dataclass, replace

from analytics import definitions


@dataclass(frozen=True)
class Column:
    """One column of a normalised upload, as written to the warehouse."""

    name: str
    dtype: str  # DuckDB type
    label: str  # how templates and messages name it
    required: bool = True
    accepted: tuple[str, ...] | None = None
    description: str = ""
    # Other headers files use for this column, written as ingest normalises them (lower case, words
    # separated by single spaces): "DESE ID", "Org_Code" and "org code" all become "dese id", "org code".
    aliases: tuple[str, ...] = ()
    # In a wide file (one column per race/ethnicity) a measure is each row's total; the headers it goes by
    # there, most specific first ("FTE Count" before "Total").
    row_total_aliases: tuple[str, ...] = ()
    # A figure DESE may leave blank (not published: stored as NULL, never 0), and how it is written and kept:
    # "rate" a percentage, written 0-100, 0-1 or with a %, stored as a fraction 0-1; "count" a whole number
    # of students; "days" a number of school days; "index" a VOCAL index score 1-99, stored as written.
    measure: str = ""


@dataclass(frozen=True)
class Template:
    """What a kind's upload template says beside its header (analytics/templates.py)."""

    example: tuple  # one example row, in template column order (booleans as the Yes/No people type)
    notes: str  # what one row is, and which files are read as they are


@dataclass(frozen=True)
class Preview:
    """How the Upload page previews what saving a file of the kind changes (analytics/ingest/preview.py):
    "shares" people of color now → after, as the pages hide them; "members" a network's members; "count" one
    figure; "two counts" two; "rows written" the rows per organization and year, nothing statewide."""

    style: str
    query: str = ""  # the preview query, analytics/sql/<query>.sql
    figures: tuple[str, str] = (
        "",
        "",
    )  # how the preview names its figures (for "shares": the unit, the group)


@dataclass(frozen=True)
class UploadKind:
    """What one kind of upload holds and how a newer upload of it replaces an older one."""

    name: str  # as the CLI and the page name it: staffing, equity-leaders, ...
    table: str
    title: str  # "Staffing (FTE by race/ethnicity)": the choice of what is being loaded
    short_title: str  # "Staffing": where a table has room for a word or two (the upload history)
    columns: tuple[Column, ...]
    replacement_key: tuple[str, ...]  # a newer upload with the same values of these replaces the older rows
    grain: tuple[str, ...]  # one row per these values (duplicates are refused)
    org_column: str  # the column holding each row's organization code
    year_column: str | None  # the column holding each row's school year (None: the kind has none)
    # A kind kept as counts but kept by its coordinators as a list of people (one row per person): that
    # list's columns. Ingest reads the list, counts with the names and drops them; the template is the list.
    person_list: tuple[Column, ...] = ()
    template: Template | None = None
    preview: Preview | None = None
    district_upload: bool = False  # a district uploader may upload it for its own organizations
    sample_file: str = ""  # its synthetic sample: data/sample/<sample_file>.csv
    roster: bool = False  # also read as a per-person roster (one row per person, added up)
    counted_as: str = ""  # what one row of its facts is, where the recognition counts them ("fellow")

    @property
    def column_names(self) -> list[str]:
        """The contract's column names, in order (the order facts are written in)."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """The contract column called `name`."""
        return next(c for c in self.columns if c.name == name)

    @property
    def org_code_columns(self) -> list[str]:
        """Every column holding an organization code: the row's own, and a fellow's placement."""
        return [c.name for c in self.columns if c.name.endswith("org_code")]

    @property
    def row_total(self) -> Column | None:
        """The measure a wide file splits into one column per race (None: the kind has no wide form)."""
        return next((c for c in self.columns if c.row_total_aliases), None)


SCHOOL_YEAR = Column(
    "school_year",
    "VARCHAR",
    "School Year",
    description="e.g. 2023-24 (also read: 2024 for 2023-24, 2023-2024, SY23-24, FY2024)",
    aliases=("sy", "academic year", "year", "school yr", "fiscal year", "fy"),
)
ORG_CODE = Column(
    "org_code",
    "VARCHAR",
    "Org Code",
    description="8-digit DESE code, e.g. 00350000 (leading zeros may be left out); school codes count "
    "for their district",
    # The preferred spelling first: where a file has both, "School Code" is the row's own organization.
    aliases=(
        "school code",
        "district code",
        "dese id",
        "dese code",
        "organization code",
        "org id",
        "district id",
        "school id",
        "lea code",
        "code",
    ),
)
RACE = Column(
    "race",
    "VARCHAR",
    "Race/Ethnicity",
    accepted=definitions.ALL_RACES,
    description="DESE's categories; HR spellings such as 'Black or African American' or 'Two or More "
    "Races' are read too",
    aliases=(
        "race ethnicity",
        "race",
        "ethnicity",
        "race and ethnicity",
        "race ethnicity description",
        "federal race ethnicity",
    ),
)

ORGANIZATIONS = UploadKind(
    name="organizations",
    table="organizations",
    title="Organizations",
    short_title="Organizations",
    columns=(
        ORG_CODE,
        Column("name", "VARCHAR", "Org Name"),
        Column("org_type", "VARCHAR", "Org Type", accepted=definitions.ORG_TYPES),
        Column("region", "VARCHAR", "Region", accepted=definitions.REGIONS),
    ),
    replacement_key=("org_code",),
    grain=("org_code",),
    org_column="org_code",
    year_column=None,
)

STAFFING = UploadKind(
    name="staffing",
    table="staffing",
    title="Staffing (FTE by race/ethnicity)",
    short_title="Staffing",
    columns=(
        SCHOOL_YEAR,
        ORG_CODE,
        Column(
            "job_class",
            "VARCHAR",
            "Job Class",
            accepted=definitions.JOB_CLASSES,
            aliases=("job classification", "jobclass", "job class name", "position", "job title", "role"),
        ),
        RACE,
        Column(
            "fte",
            "DOUBLE",
            "FTE",
            description="full-time equivalents as of October 1 (0 or more)",
            aliases=("fte count", "full time equivalent", "fte total", "total fte"),
            row_total_aliases=(
                "fte count",
                "fte total",
                "total fte",
                "fte",
                "total",
                "total count",
                "fte cnt",
            ),
        ),
    ),
    replacement_key=("school_year", "org_code", "job_class"),
    grain=("school_year", "org_code", "job_class", "race"),
    org_column="org_code",
    year_column="school_year",
    template=Template(
        ("2023-24", "00350000", "Teacher", "Hispanic/Latino", 12.5),
        "One row per organization, school year, job class and race/ethnicity, with the FTE as of October 1. "
        "DESE Profiles exports (district or school level, FTE or percentage view), the open-data extract and "
        "per-person rosters (one row per staff member) are read as they are: you do not have to copy them "
        "into this template. Names and employee ids are never stored.",
    ),
    preview=Preview("shares", "upload_preview_people_of_color", ("FTE", "")),
    district_upload=True,
    sample_file="staffing",
    roster=True,
)

ENROLLMENT = UploadKind(
    name="enrollment",
    table="enrollment",
    title="Enrollment (students by race/ethnicity)",
    short_title="Enrollment",
    columns=(
        SCHOOL_YEAR,
        ORG_CODE,
        RACE,
        Column(
            "students",
            "INTEGER",
            "Students",
            description="headcount as of October 1 (a whole number, 0 or more)",
            aliases=("student count", "headcount", "enrollment", "count", "total"),
            row_total_aliases=(
                "total",
                "total enrollment",
                "enrollment",
                "total cnt",
                "total count",
                "total students",
                "students",
                "enrolled",
                "student count",
                "all students",
            ),
        ),
    ),
    replacement_key=("school_year", "org_code"),
    grain=("school_year", "org_code", "race"),
    org_column="org_code",
    year_column="school_year",
    template=Template(
        ("2023-24", "00350000", "Hispanic/Latino", 21000),
        "One row per organization, school year and race/ethnicity, with the students enrolled as of "
        "October 1. DESE Profiles exports and the open-data extract are read as they are.",
    ),
    preview=Preview("shares", "upload_preview_people_of_color", ("students", "students of color")),
    district_upload=True,
    sample_file="enrollment",
)

FELLOWS = UploadKind(
    name="fellows",
    table="fellows",
    title="Influence 100 Fellows",
    short_title="Influence 100 Fellows",
    columns=(
        Column(
            "fellow_id",
            "VARCHAR",
            "Fellow ID",
            description="DESE program id; no names",
            aliases=("id", "program id", "fellow"),
        ),
        Column("cohort", "INTEGER", "Cohort", description="1 for the cohort that began in 2019-20"),
        Column(
            "start_year",
            "VARCHAR",
            "Start Year",
            description="school year the cohort began, e.g. 2019-20",
            aliases=("cohort year", "start school year"),
        ),
        Column(
            "home_org_code",
            "VARCHAR",
            "Home Org Code",
            description="8-digit DESE code of the fellow's district at entry",
            aliases=("home district code", "home org", "district code", "org code"),
        ),
        Column(
            "entry_role",
            "VARCHAR",
            "Role at Entry",
            accepted=definitions.FELLOW_ENTRY_ROLES,
            aliases=("entry role",),
        ),
        RACE,
        Column(
            "status", "VARCHAR", "Status", accepted=definitions.FELLOW_STATUSES, aliases=("fellow status",)
        ),
        Column(
            "placement_role", "VARCHAR", "Placement Role", required=False, accepted=definitions.JOB_CLASSES
        ),
        Column(
            "placement_year",
            "VARCHAR",
            "Placement Year",
            required=False,
            description="school year of the placement, e.g. 2023-24",
        ),
        Column(
            "placement_org_code",
            "VARCHAR",
            "Placement Org Code",
            required=False,
            description="8-digit DESE code of the placement's organization",
            aliases=("placement district code",),
        ),
    ),
    replacement_key=("cohort",),
    grain=("fellow_id",),
    org_column="home_org_code",
    year_column="start_year",
    template=Template(
        ("I100-7-01", 7, "2025-26", "00350000", "Principal", "African American/Black", "active", "", "", ""),
        "One row per Influence 100 fellow, by DESE program id (no names). A newer list of a cohort replaces "
        "the older one.",
    ),
    preview=Preview("count", "upload_preview_fellows", ("fellows", "fellows of color")),
    sample_file="fellows",
    counted_as="fellow",
)

PARTICIPATION = UploadKind(
    name="participation",
    table="participation",
    title="District participation",
    short_title="District participation",
    columns=(
        ORG_CODE,
        SCHOOL_YEAR,
        Column(
            "component",
            "VARCHAR",
            "Component",
            accepted=definitions.PARTICIPATION_COMPONENTS,
            aliases=("program component", "participation"),
        ),
        Column(
            "strategy_adopted",
            "BOOLEAN",
            "Strategy Adopted",
            description="Yes or No: an intentional workforce-diversity strategy is adopted",
            aliases=("workforce diversity strategy", "strategy"),
        ),
        Column(
            "climate_assessment_done",
            "BOOLEAN",
            "Climate Assessment Done",
            description="Yes or No",
            aliases=("climate assessment", "climate and culture assessment"),
        ),
    ),
    replacement_key=("org_code", "school_year"),
    grain=("org_code", "school_year", "component"),
    org_column="org_code",
    year_column="school_year",
    template=Template(
        ("00350000", "2025-26", "capacity building", "Yes", "No"),
        "One row per organization, school year and program component. A newer upload for the same "
        "organization and year replaces the older one.",
    ),
    preview=Preview(
        "two counts",
        "upload_preview_participation",
        ("organizations taking part", "with a workforce-diversity strategy"),
    ),
    district_upload=True,
    sample_file="participation",
)

EQUITY_LEADERS = UploadKind(
    name="equity-leaders",
    table="equity_leaders",
    title="Equity leaders and AMSEL",
    short_title="Equity leaders and AMSEL",
    columns=(
        ORG_CODE,
        SCHOOL_YEAR,
        Column(
            "has_equity_leader",
            "BOOLEAN",
            "Equity Leader Position",
            description="Yes or No: the organization has an equity-leader (DEI director) position",
            aliases=("has equity leader", "equity leader", "dei director"),
        ),
        Column("amsel_member", "BOOLEAN", "AMSEL Member", description="Yes or No", aliases=("amsel",)),
    ),
    replacement_key=("org_code", "school_year"),
    grain=("org_code", "school_year"),
    org_column="org_code",
    year_column="school_year",
    template=Template(
        ("00350000", "2025-26", "Yes", "No"),
        "One row per organization and school year: whether it has an equity-leader (DEI director) position "
        "and belongs to AMSEL.",
    ),
    preview=Preview(
        "two counts",
        "upload_preview_equity_leaders",
        ("organizations with an equity-leader position", "AMSEL members"),
    ),
    district_upload=True,
    sample_file="equity_leaders",
)


def _count(name: str, label: str, description: str) -> Column:
    return Column(name, "INTEGER", label, description=description)


# The network's membership list, as its coordinators keep it: one row per member. Names are used to count
# each person once and are never stored; the warehouse keeps counts per school year and organization (or,
# for a member at a school that is not one of DESE's organizations, per school name).
AMSEL_MEMBER_LIST = (
    Column(
        "member",
        "VARCHAR",
        "Member",
        description="the member's name: used to count each person once, never stored",
        aliases=("member name", "name", "full name", "equity leader", "leader", "person"),
    ),
    Column(
        "organization",
        "VARCHAR",
        "Organization or School",
        description="the member's district, charter or vocational school, collaborative, or an independent "
        "school (counted apart, by its name)",
        aliases=(
            "organization",
            "school",
            "district",
            "school or district",
            "district or school",
            "organization school",
            "employer",
            "org name",
            "school name",
            "district name",
        ),
    ),
    Column(
        "org_code",
        "VARCHAR",
        "Org Code",
        required=False,
        description="8-digit DESE code, where the member's organization has one (leave empty for an "
        "independent school)",
        aliases=ORG_CODE.aliases,
    ),
    Column(
        "role_title",
        "VARCHAR",
        "Role Title",
        required=False,
        description="e.g. Director of Diversity, Equity and Inclusion (read, not stored)",
        aliases=("title", "role", "position", "job title"),
    ),
    Column(
        "start_date",
        "DATE",
        "Start Date",
        description="when the member started in their role, e.g. 2023-08-15: from July 1 of the school "
        "year on, the member is new to the role",
        aliases=("role start date", "date started", "started", "start date in role", "start"),
    ),
    Column(
        "membership",
        "VARCHAR",
        "Membership",
        accepted=definitions.MEMBERSHIP_TYPES,
        description="Individual, or District (a member through their district's membership)",
        aliases=("membership type", "individual or district", "member type", "type of membership"),
    ),
    Column(
        "mentor_assigned",
        "BOOLEAN",
        "Mentor Assigned",
        required=False,
        description="Yes or No; needed for members new to their role",
        aliases=("mentor", "has mentor", "mentor yes no"),
    ),
    Column(
        "meetings_attended",
        "INTEGER",
        "Meetings Attended",
        description="monthly meetings attended this school year (0 or more; '7 of 10' is read too)",
        aliases=("monthly meetings attended", "attendance", "meetings"),
    ),
    Column(
        "meetings_held",
        "INTEGER",
        "Meetings Held",
        required=False,
        description="monthly meetings held this school year (left empty: "
        f"{definitions.AMSEL_MEETINGS_A_YEAR}, September to June)",
        aliases=("meetings this year", "of meetings", "total meetings"),
    ),
    Column(
        "subcommittees",
        "VARCHAR",
        "Subcommittees",
        required=False,
        description="the subcommittees the member joined, separated by ; or , (empty or None: none)",
        aliases=("subcommittee", "committees", "committee", "subcommittee s"),
    ),
    SCHOOL_YEAR,
)

AMSEL_MEMBERS = UploadKind(
    name="amsel-members",
    table="amsel_members",
    title="AMSEL membership list (members, meetings, subcommittees)",
    short_title="AMSEL members",
    columns=(
        SCHOOL_YEAR,
        Column(
            "org_code",
            "VARCHAR",
            "Org Code",
            required=False,
            description="8-digit DESE code of the members' organization (empty for an independent school)",
        ),
        Column(
            "outside_school",
            "VARCHAR",
            "School Outside DESE",
            required=False,
            description="an independent school's name, where the members' school is not one of DESE's "
            "organizations",
        ),
        _count("members", "Members", "people in the network"),
        _count("district_members", "District Members", "members through their district's membership"),
        _count("new_to_role", "New to Role", "members who started their role this school year"),
        _count("new_with_mentor", "New With Mentor", "of those new to their role, members with a mentor"),
        _count("every_meeting", "Every Meeting", "members who attended every monthly meeting held"),
        _count("in_subcommittee", "In a Subcommittee", "members in at least one subcommittee"),
    ),
    # The coordinators keep one list a year for the whole network: a newer list of a year replaces it.
    replacement_key=("school_year",),
    grain=("school_year", "org_code", "outside_school"),
    org_column="org_code",
    year_column="school_year",
    person_list=AMSEL_MEMBER_LIST,
    template=Template(
        (
            *("Ana Diaz", "Boston Public Schools", "00350000", "Director of Equity and Inclusion"),
            *("2025-08-15", "Individual", "Yes", 8, 10, "Hiring; Curriculum", "2025-26"),
        ),
        "The network's membership list for one school year, one row per member, as its coordinators keep it. "
        "Names are used to count each person once and are never stored; the dashboard keeps counts per "
        "organization. A member at an independent school (not one of DESE's organizations) is counted apart, "
        "by the school's name. A newer list of a school year replaces the older one.",
    ),
    preview=Preview("members", "upload_preview_amsel_members", ("AMSEL members", "")),
    sample_file="amsel_members",
)

# --- students' experience: DESE's reports by student group ------------------------------------------------
#
# One row per organization, school year and student group (and, for the climate survey, grade), as DESE's
# Profiles reports and statewide extracts give them. Every figure may be blank: DESE leaves a rate out where
# fewer than 6 students were counted (VOCAL: fewer than 10 answered), and that is stored as NULL, "not
# published", never as 0. Rates are stored as fractions 0-1 whatever the file wrote ("4.5" or "4.5%" is 0.045).

STUDENT_GROUP = Column(
    "student_group",
    "VARCHAR",
    "Student Group",
    description="e.g. All Students, Hispanic/Latino, English Learners (DESE's spellings of every year are "
    "read: Afr. Amer./Black, Black or African American, ...; a group not listed is kept as written)",
    aliases=(
        "student group",
        "student groups",
        "subgroup",
        "student subgroup",
        "group",
        "group name",
        "stu grp",
        "student group name",
        "population",
        "student population",
    ),
)

# Said in the template of every report by student group where figures may be blank.
_NOT_PUBLISHED = (
    "Percentages are written as in DESE's reports (4.5 for 4.5%; 4.5% is read too). Leave a cell empty, or "
    "as DESE wrote it (a dash, *), where DESE did not publish the figure (fewer than 6 students): it is kept "
    "as not published, never as 0."
)
ROWS_WRITTEN = Preview("rows written")


def _figure_aliases(*words: str, percent: bool) -> tuple[str, ...]:
    """The headers a figure goes by: its words as written, and (for a percentage) with %, pct or percent
    before or after them ("% Expulsion", "Expulsion (%)", "PCT_EXPULSION")."""
    if not percent:
        return words
    out: list[str] = []
    for w in words:
        out += [w, f"% {w}", f"{w} %", f"pct {w}", f"{w} pct", f"percent {w}", f"{w} percent"]
    return tuple(dict.fromkeys(out))


def _rate(name: str, label: str, what: str, *words: str) -> Column:
    return Column(
        name,
        "DOUBLE",
        label,
        required=False,
        description=f"{what}: a percentage, e.g. 4.5 for 4.5% (4.5%, and 0.045 in a file of fractions, "
        "are read too); leave it empty where DESE did not publish it",
        aliases=_figure_aliases(*words, percent=True),
        measure="rate",
    )


def _students(name: str, label: str, what: str, *words: str) -> Column:
    return Column(
        name,
        "INTEGER",
        label,
        required=False,
        description=f"{what}: a whole number, 0 or more (1,234 is read too); empty where not published",
        aliases=words,
        measure="count",
    )


def _index(name: str, label: str, what: str, *words: str) -> Column:
    return Column(
        name,
        "DOUBLE",
        label,
        required=False,
        description=f"{what}: VOCAL's index score, 1 to 99, as DESE reports it; empty where fewer than 10 "
        "students answered",
        aliases=words,
        measure="index",
    )


STUDENT_DISCIPLINE = UploadKind(
    name="student-discipline",
    table="student_discipline",
    title="Student discipline (DESE's Student Discipline Data Report, by student group)",
    short_title="Student discipline",
    columns=(
        SCHOOL_YEAR,
        ORG_CODE,
        STUDENT_GROUP,
        _students(
            "students",
            "Students",
            "students in the group",
            "# students",
            "number of students",
            "student count",
            "total students",
            "enrolled",
        ),
        _students(
            "students_disciplined",
            "Students Disciplined",
            "students in the group disciplined at least once",
            "# students disciplined",
            "number of students disciplined",
            "students disciplined #",
            "disciplined",
        ),
        _rate(
            "pct_in_school_suspension",
            "% In-School Suspension",
            "students with an in-school suspension",
            "in school suspension",
            "in school suspensions",
        ),
        _rate(
            "pct_out_of_school_suspension",
            "% Out-of-School Suspension",
            "students with an out-of-school suspension",
            "out of school suspension",
            "out of school suspensions",
        ),
        _rate("pct_expulsion", "% Expulsion", "students expelled", "expulsion", "expulsions"),
        _rate(
            "pct_alternate_setting",
            "% Alternate Setting",
            "students removed to an alternate setting",
            "alternate setting",
            "removed to alternate setting",
        ),
        _rate(
            "pct_emergency_removal",
            "% Emergency Removal",
            "students with an emergency removal",
            "emergency removal",
            "emergency removals",
        ),
        _rate(
            "pct_school_based_arrest",
            "% Students with a School-Based Arrest",
            "students with a school-based arrest (reported from 2020-21)",
            "students with a school based arrest",
            "school based arrest",
            "school based arrests",
        ),
        _rate(
            "pct_law_enforcement_referral",
            "% Students with a Non-Arrest Law Enforcement Referral",
            "students with a non-arrest law enforcement referral (reported from 2020-21)",
            "students with a non arrest law enforcement referral",
            "non arrest law enforcement referral",
            "law enforcement referral",
            "law enforcement referrals",
        ),
    ),
    replacement_key=("school_year", "org_code", "student_group"),
    grain=("school_year", "org_code", "student_group"),
    org_column="org_code",
    year_column="school_year",
    template=Template(
        ("2023-24", "00350000", "Hispanic/Latino", 21500, 1410, 2.9, 4.5, 0.0, 0.1, 0.6, 0.0, 0.1),
        "One row per organization, school year and student group, as DESE's Student Discipline Data Report "
        "gives them. The report as exported from Profiles (one organization's, with the school year in its "
        "title, or the statewide one with a row per district for one student group) and DESE's statewide "
        "extracts are read as they are. " + _NOT_PUBLISHED,
    ),
    preview=ROWS_WRITTEN,
    district_upload=True,
    sample_file="student_discipline",
)

STUDENT_ATTENDANCE = UploadKind(
    name="student-attendance",
    table="student_attendance",
    title="Student attendance (chronic absence, by student group)",
    short_title="Student attendance",
    columns=(
        SCHOOL_YEAR,
        ORG_CODE,
        STUDENT_GROUP,
        _rate("attendance_rate", "Attendance Rate", "the share of school days attended", "attendance rate"),
        Column(
            "average_absences",
            "DOUBLE",
            "Average # of Absences",
            required=False,
            description="school days missed per student, on average (0 or more); empty where not published",
            aliases=(
                "average number of absences",
                "average absences",
                "avg # of absences",
                "avg absences",
                "average days absent",
                "avg days absent",
            ),
            measure="days",
        ),
        _rate(
            "pct_absent_10_days",
            "Absent 10 or more days",
            "students absent 10 or more days",
            "absent 10 or more days",
            "absent 10 days or more",
            "absent 10 days",
        ),
        _rate(
            "pct_chronically_absent",
            "Chronically Absent (10% or more)",
            "students chronically absent: 10% or more of their days",
            "chronically absent 10% or more",
            "chronically absent 10 or more",
            "chronically absent 10%",
            "chronically absent",
            "chronic absence",
            "chronic absenteeism",
        ),
        _rate(
            "pct_chronically_absent_20",
            "Chronically Absent (20% or more)",
            "students absent 20% or more of their days (reported from 2021-22)",
            "chronically absent 20% or more",
            "chronically absent 20 or more",
            "chronically absent 20%",
            "chronic absence 20%",
        ),
        _rate(
            "pct_unexcused_over_9_days",
            "Unexcused > 9 days",
            "students with more than 9 unexcused absences",
            "unexcused 9 days",
            "unexcused more than 9 days",
            "unexcused over 9 days",
            "unexcused absences 9 days",
        ),
    ),
    replacement_key=("school_year", "org_code", "student_group"),
    grain=("school_year", "org_code", "student_group"),
    org_column="org_code",
    year_column="school_year",
    template=Template(
        ("2023-24", "00350000", "Hispanic/Latino", 89.9, 17.6, 52.3, 38.4, 14.2, 21.7),
        "One row per organization, school year and student group, from DESE's Student Attendance report "
        "(its End of Year table, where the report also holds a March one). Profiles exports and DESE's "
        "statewide extracts are read as they are. " + _NOT_PUBLISHED,
    ),
    preview=ROWS_WRITTEN,
    district_upload=True,
    sample_file="student_attendance",
)

GRADUATION = UploadKind(
    name="graduation",
    table="graduation",
    title="Graduation (four-year cohort graduation rate, by student group)",
    short_title="Graduation",
    columns=(
        replace(
            SCHOOL_YEAR,
            description="the year the four-year cohort graduates, e.g. 2023-24 for the class of 2024 (2024 is "
            "read as 2023-24)",
            aliases=(*SCHOOL_YEAR.aliases, "cohort year", "graduation year", "grad year", "class of"),
        ),
        ORG_CODE,
        STUDENT_GROUP,
        _students(
            "cohort_count",
            "# in Cohort",
            "students in the four-year cohort",
            "in cohort",
            "number in cohort",
            "cohort count",
            "cohort size",
            "students in cohort",
        ),
        _rate("pct_graduated", "% Graduated", "students who graduated in four years", "graduated"),
        _rate("pct_still_in_school", "% Still in School", "students still in school", "still in school"),
        _rate(
            "pct_non_grad_completers",
            "% Non-Grad Completers",
            "students who completed without graduating",
            "non grad completers",
            "non graduate completers",
        ),
        _rate(
            "pct_hs_equivalency",
            "% H.S. Equiv.",
            "students who earned a high school equivalency",
            "h s equiv",
            "hs equiv",
            "h s equivalency",
            "hs equivalency",
            "high school equivalency",
        ),
        _rate("pct_dropped_out", "% Dropped Out", "students who dropped out", "dropped out", "dropout"),
        _rate(
            "pct_permanently_excluded",
            "% Permanently Excluded",
            "students permanently excluded",
            "permanently excluded",
        ),
    ),
    replacement_key=("school_year", "org_code", "student_group"),
    grain=("school_year", "org_code", "student_group"),
    org_column="org_code",
    year_column="school_year",
    template=Template(
        ("2023-24", "00350000", "Hispanic/Latino", 1650, 79.2, 9.8, 1.5, 0.4, 8.9, 0.2),
        "One row per organization, four-year cohort and student group: the School Year is the year the "
        "cohort graduates (2023-24 for the class of 2024). DESE's graduation rate reports and extracts are "
        "read as they are. " + _NOT_PUBLISHED,
    ),
    preview=ROWS_WRITTEN,
    district_upload=True,
    sample_file="graduation",
)

CLIMATE_SURVEY = UploadKind(
    name="climate-survey",
    table="climate_survey",
    title="Climate survey (VOCAL index scores, by student group)",
    short_title="Climate survey",
    columns=(
        SCHOOL_YEAR,
        ORG_CODE,
        STUDENT_GROUP,
        Column(
            "grade",
            "VARCHAR",
            "Grade",
            required=False,
            description=f"the grade surveyed, e.g. 5, 8 or 10; {definitions.ALL_GRADES} (or empty) for every "
            "grade together",
            aliases=("grade level", "grades", "gr"),
        ),
        _index(
            "index_overall",
            "Overall Index",
            "the overall climate index",
            "overall",
            "overall score",
            "overall index score",
            "overall climate index",
            "overall climate score",
            "climate index",
            "school climate index",
            "vocal index",
        ),
        _index(
            "index_engagement",
            "Engagement Index",
            "the engagement dimension",
            "engagement",
            "engagement score",
            "engagement index score",
        ),
        _index(
            "index_safety",
            "Safety Index",
            "the safety dimension",
            "safety",
            "safety score",
            "safety index score",
        ),
        _index(
            "index_environment",
            "Environment Index",
            "the environment dimension",
            "environment",
            "environment score",
            "environment index score",
        ),
        _students(
            "respondents",
            "Respondents",
            "students who answered",
            "# respondents",
            "# of respondents",
            "number of respondents",
            "respondent count",
            "responses",
            "# responses",
            "number of responses",
            "students responding",
            "n",
        ),
    ),
    replacement_key=("school_year", "org_code", "student_group", "grade"),
    grain=("school_year", "org_code", "student_group", "grade"),
    org_column="org_code",
    year_column="school_year",
    template=Template(
        ("2023-24", "00350000", "Hispanic/Latino", "8", 48, 51, 46, 49, 1234),
        "One row per organization, school year, student group and grade, with DESE's VOCAL index scores "
        "(1 to 99) as reported; Grade All (or empty) for every grade together, and the respondents where "
        "the report gives them. Leave a score empty where DESE did not publish it (fewer than 10 students "
        "answered): it is kept as not published, never as 0.",
    ),
    preview=ROWS_WRITTEN,
    district_upload=True,
    sample_file="climate_survey",
)

# The kinds measuring how students experience school (the third goal): read from DESE's reports by student
# group (analytics/ingest/student_reports.py).
STUDENT_KINDS: dict[str, UploadKind] = {
    k.name: k for k in (STUDENT_DISCIPLINE, STUDENT_ATTENDANCE, GRADUATION, CLIMATE_SURVEY)
}

FACT_KINDS: dict[str, UploadKind] = {
    k.name: k for k in (STAFFING, ENROLLMENT, FELLOWS, PARTICIPATION, EQUITY_LEADERS, AMSEL_MEMBERS)
} | STUDENT_KINDS
ALL_KINDS: dict[str, UploadKind] = {ORGANIZATIONS.name: ORGANIZATIONS, **FACT_KINDS}


def kind_for_table(table: str) -> UploadKind:
    """The upload kind that fills `table`."""
    return next(k for k in ALL_KINDS.values() if k.table == table)
