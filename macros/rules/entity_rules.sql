{#
    One rule set per entity: the row rules every SIS applies to it, in one order, on the
    canonical staging columns (student_id, grade_level_code / grade_level, school_year_text /
    school_year…), with the SIS's own column labels in the messages.

    Every rule set takes
    - labels: canonical column -> the SIS's label for it (`{'student_id': 'Other ID'}`). A
      rule whose column has no label is left out (the SIS does not send that column);
    - own: group name -> a list of rules (rule builders) the SIS adds right after that
      group, so a SIS's own rules keep their place in the message order. A SIS's rules that
      come after every group are simply appended (`student_rules(...) + [...]`).
    Groups are named after the canonical column they check (see each rule set); naming a
    group that does not exist is a compile error.
#}

{# assemble_rules(rule_set, groups, own): the groups' rules in order, own rules after theirs. #}
{% macro assemble_rules(rule_set, groups, own) -%}
    {%- set names = groups | map(attribute=0) | list -%}
    {%- for name in own if name not in names -%}
        {{ exceptions.raise_compiler_error(
            rule_set ~ ": no group '" ~ name ~ "' (groups: " ~ names | join(', ') ~ ")") }}
    {%- endfor -%}
    {%- set rules = [] -%}
    {%- for name, group_rules in groups -%}
        {%- do rules.extend(group_rules) -%}
        {%- do rules.extend(own.get(name, [])) -%}
    {%- endfor -%}
    {{ return(rules) }}
{%- endmacro %}


{#
    student_rules(labels, own={}, known_status='a known status', date_format='MM/DD/YYYY')
    groups: student (student_id missing / on more than one row, last_name, first_name),
    school (school_id missing / not in the registry), grade_level (missing / unknown),
    state_student_id (state format), birth_date (parses), graduation_year (a year),
    enrollment_status (missing / unknown). Needs rows_with_student_id, registry_school_id
    and state in the calling CTE.
#}
{% macro student_rules(labels, own={}, known_status='a known status', date_format='MM/DD/YYYY') -%}
    {%- set school = [] -%}
    {%- if 'school_id' in labels -%}
        {%- set school = [
            required('school_id', labels.school_id),
            ("school_id is not null and registry_school_id is null",
                rule_text(labels.school_id, 'school_id', " is not one of the district's schools in the registry")),
        ] -%}
    {%- endif -%}
    {{ return(assemble_rules('student_rules', [
        ('student', [
            required('student_id', labels.student_id),
            unique_value('student_id', labels.student_id, 'rows_with_student_id'),
            required('last_name', labels.last_name),
            required('first_name', labels.first_name),
        ]),
        ('school', school),
        ('grade_level', [
            required('grade_level_code', labels.grade_level),
            maps_to(labels.grade_level, 'grade_level_code', 'grade_level', 'a known grade level'),
        ]),
        ('state_student_id', [matches_format(labels.state_student_id, 'state_student_id', 'student')]),
        ('birth_date', [
            parses(labels.birth_date, 'birth_date_text', 'birth_date', 'a valid ' ~ date_format ~ ' date'),
        ]),
        ('graduation_year', [
            parses(labels.graduation_year, 'graduation_year_text', 'graduation_year', 'a year'),
        ] if 'graduation_year' in labels else []),
        ('enrollment_status', [
            required('enrollment_status_code', labels.enrollment_status),
            maps_to(labels.enrollment_status, 'enrollment_status_code', 'enrollment_status', known_status),
        ] if 'enrollment_status' in labels else []),
    ], own)) }}
{%- endmacro %}


{#
    staff_rules(labels, own={}, role_required=true, known_role='a known staff role')
    groups: staff (staff_id missing / on more than one row, last_name, first_name), school
    (school_id missing), state_staff_id (the state's staff id format, `staff` in
    var('pathways_state_id_formats'): TX unique staff ID; IN has none), staff_role (staff_role_code missing unless role_required is false — a role
    made from flags checks the flags instead — and unknown). Needs rows_with_staff_id and
    state in the calling CTE.
#}
{% macro staff_rules(labels, own={}, role_required=true, known_role='a known staff role') -%}
    {%- set role = [required('staff_role_code', labels.staff_role)] if role_required else [] -%}
    {{ return(assemble_rules('staff_rules', [
        ('staff', [
            required('staff_id', labels.staff_id),
            unique_value('staff_id', labels.staff_id, 'rows_with_staff_id'),
            required('last_name', labels.last_name),
            required('first_name', labels.first_name),
        ]),
        ('school', [required('school_id', labels.school_id)] if 'school_id' in labels else []),
        ('state_staff_id', [matches_format(labels.state_staff_id, 'state_staff_id', 'staff')]
            if 'state_staff_id' in labels else []),
        ('staff_role', role + [maps_to(labels.staff_role, 'staff_role_code', 'staff_role', known_role)]),
    ], own)) }}
{%- endmacro %}


{#
    course_rules(labels, own={}, listed_words=..., key_words=none)
    groups: school (school_id missing), school_year (missing / not a school year),
    course_code (missing; with key_words, `<key words> appear on more than one row` on
    rows_with_key; listed more than once with different attributes on distinct_listings,
    `<course_code label> is listed more than once <listed_words>`), course_title (missing),
    credits (not a number / negative), state_course_code (state format, value shown).
#}
{% macro course_rules(
    labels, own={}, listed_words='with a different title, credits or state course code', key_words=none
) -%}
    {{ return(assemble_rules('course_rules', [
        ('school', [required('school_id', labels.school_id)] if 'school_id' in labels else []),
        ('school_year', [
            required('school_year_text', labels.school_year),
            parses(labels.school_year, 'school_year_text', 'school_year', 'a school year', show_value=true),
        ] if 'school_year' in labels else []),
        ('course_code', [required('course_code', labels.course_code)]
            + ([unique_key('rows_with_key', key_words)] if key_words else [])
            + [("distinct_listings > 1", rule_text(labels.course_code, none, " is listed more than once " ~ listed_words))]),
        ('course_title', [required('course_title', labels.course_title)]),
        ('credits', [
            parses(labels.credits, 'credits_text', 'credits', 'a number'),
            not_negative('credits', labels.credits),
        ]),
        ('state_course_code', [matches_format(labels.state_course_code, 'state_course_code', 'course', show_value=true)]),
    ], own)) }}
{%- endmacro %}


{#
    request_rules(labels, own={}, known_type='a known request type',
    known_status='a known request status', key_words=none)
    groups: student (student_id missing / not an accepted student), school_year (missing /
    not a school year), course_code (missing; with key_words, the one-row-per-key rule on
    rows_with_key), request_type (request_type_code missing / unknown), request_status
    (request_status_code missing / unknown, when the SIS sends a status).
#}
{% macro request_rules(
    labels, own={}, known_type='a known request type', known_status='a known request status', key_words=none
) -%}
    {{ return(assemble_rules('request_rules', [
        ('student', [required('student_id', labels.student_id), accepted_student(labels.student_id)]),
        ('school_year', [
            required('school_year_text', labels.school_year),
            parses(labels.school_year, 'school_year_text', 'school_year', 'a school year', show_value=true),
        ]),
        ('course_code', [required('course_code', labels.course_code)]
            + ([unique_key('rows_with_key', key_words)] if key_words else [])),
        ('request_type', [
            required('request_type_code', labels.request_type),
            maps_to(labels.request_type, 'request_type_code', 'request_type', known_type),
        ]),
        ('request_status', [
            required('request_status_code', labels.request_status),
            maps_to(labels.request_status, 'request_status_code', 'request_status', known_status),
        ] if 'request_status' in labels else []),
    ], own)) }}
{%- endmacro %}


{#
    grade_rules(labels, own={}, known_term='a known term', key_words=...)
    groups: student (student_id missing / not accepted), school_year (missing / not a school
    year), course_code (missing), term (term_code missing / not in xwalk_terms, i.e.
    mapped_term_code NULL), unique (`<key words> appear on more than one row` on
    rows_with_key), credits (credits_attempted / credits_earned not numbers, negative,
    earned above attempted with both values), state_course_code (state format, value shown,
    when the SIS sends one). Marks differ by SIS: each model adds its own after `unique`.
#}
{% macro grade_rules(labels, own={}, known_term='a known term', key_words=none) -%}
    {{ return(assemble_rules('grade_rules', [
        ('student', [required('student_id', labels.student_id), accepted_student(labels.student_id)]),
        ('school_year', [
            required('school_year_text', labels.school_year),
            parses(labels.school_year, 'school_year_text', 'school_year', 'a school year', show_value=true),
        ]),
        ('course_code', [required('course_code', labels.course_code)]),
        ('term', [
            required('term_code', labels.term),
            maps_to(labels.term, 'term_code', 'mapped_term_code', known_term),
        ]),
        ('unique', [unique_key('rows_with_key', key_words)]),
        ('credits', [
            parses(labels.credits_attempted, 'credits_attempted_text', 'credits_attempted', 'a number'),
            parses(labels.credits_earned, 'credits_earned_text', 'credits_earned', 'a number'),
            ("credits_attempted < 0 or credits_earned < 0", "'Credits are negative'"),
            not_above('credits_earned', labels.credits_earned, 'credits_attempted', labels.credits_attempted,
                show_values=true),
        ]),
        ('state_course_code', [matches_format(labels.state_course_code, 'state_course_code', 'course', show_value=true)]
            if 'state_course_code' in labels else []),
    ], own)) }}
{%- endmacro %}


{#
    gpa_rules(labels, own={}, known_type='a known GPA type', key_words=..., scale=none)
    groups: student (missing / not accepted), school_year (missing / not a school year, when
    the SIS sends one), gpa_type (gpa_type_code missing / unknown), unique (`<key words>
    appear on more than one row` on rows_with_key), gpa (gpa_text missing / not a number),
    gpa_scale (gpa_scale_text missing / not a positive number, when the SIS sends a scale),
    gpa_range (`<gpa label> <gpa_text> is outside its scale 0-<scale>`: `scale` is the SQL
    of the scale shown, by default the scale as sent when the SIS sends one, else
    scale_max as a whole number), credits (not a number), class_rank (class_rank and
    class_size positive whole numbers, rank not above size).
#}
{% macro gpa_rules(
    labels, own={}, known_type='a known GPA type', key_words='Student, school year and GPA type', scale=none
) -%}
    {%- if scale is none -%}
        {%- set scale = 'gpa_scale_text' if 'gpa_scale' in labels
            else "cast(cast(scale_max as " ~ dbt.type_int() ~ ") as " ~ dbt.type_string() ~ ")" -%}
    {%- endif -%}
    {{ return(assemble_rules('gpa_rules', [
        ('student', [required('student_id', labels.student_id), accepted_student(labels.student_id)]),
        ('school_year', [
            required('school_year_text', labels.school_year),
            parses(labels.school_year, 'school_year_text', 'school_year', 'a school year', show_value=true),
        ] if 'school_year' in labels else []),
        ('gpa_type', [
            required('gpa_type_code', labels.gpa_type),
            maps_to(labels.gpa_type, 'gpa_type_code', 'gpa_type', known_type),
        ]),
        ('unique', [unique_key('rows_with_key', key_words)]),
        ('gpa', [
            required('gpa_text', labels.gpa),
            parses(labels.gpa, 'gpa_text', 'gpa_value', 'a number'),
        ]),
        ('gpa_scale', [
            required('gpa_scale_text', labels.gpa_scale),
            parses(labels.gpa_scale, 'gpa_scale_text', 'scale_max', 'a positive number', invalid='scale_max <= 0'),
        ] if 'gpa_scale' in labels else []),
        ('gpa_range', [(
            "gpa_value < 0 or gpa_value > scale_max",
            dbt.concat(["'" ~ labels.gpa ~ " '", "gpa_text", "' is outside its scale 0-'", scale]),
        )]),
        ('credits', [parses(labels.credits, 'credits_text', 'credits', 'a number')]),
        ('class_rank', [
            parses(labels.class_rank, 'class_rank_text', 'class_rank', 'a positive whole number', invalid='class_rank < 1'),
            parses(labels.class_size, 'class_size_text', 'class_size', 'a positive whole number', invalid='class_size < 1'),
            not_above('class_rank', labels.class_rank, 'class_size', labels.class_size),
        ]),
    ], own)) }}
{%- endmacro %}


{#
    certification_rules(labels, own={})
    groups: student (missing / not accepted), state_student_id (state format),
    certification_code (missing / state format, value shown), earned_date (missing / not a
    valid MM/DD/YYYY date, value shown), unique (student, certification and date earned on
    rows_with_key).
#}
{% macro certification_rules(labels, own={}) -%}
    {{ return(assemble_rules('certification_rules', [
        ('student', [required('student_id', labels.student_id), accepted_student(labels.student_id)]),
        ('state_student_id', [matches_format(labels.state_student_id, 'state_student_id', 'student')]),
        ('certification_code', [
            required('certification_code', labels.certification_code),
            matches_format(labels.certification_code, 'certification_code', 'certification', show_value=true),
        ]),
        ('earned_date', [
            required('earned_date_text', labels.earned_date),
            parses(labels.earned_date, 'earned_date_text', 'earned_date', 'a valid MM/DD/YYYY date', show_value=true),
        ]),
        ('unique', [unique_key('rows_with_key', 'Student, certification and date earned')]),
    ], own)) }}
{%- endmacro %}
