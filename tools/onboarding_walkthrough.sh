#!/usr/bin/env bash
# From a folder of files to an approved district, as run (README, same title).
#
#   tools/onboarding_walkthrough.sh [SCRATCH] [--demo-worksheet]
#
# For the demo district cedar_bend_isd (eSchool Download Manager; its own file names
# Students.csv, Grades.csv, ...; its own MARK_TYPE codes SEM1 / SEM2 / FINL):
#   1. its first files:  pathways generate --district cedar_bend_isd --out SCRATCH/files
#   2. pathways onboard  (recognize, propose, trial load + build, unmapped codes, verdict)
#   3. the printed crosswalk rows, filled in with what the codes mean, appended to the seeds of
#      a COPY of the project (SCRATCH/project; the repo's seeds are never edited)
#   4. pathways onboard again with PATHWAYS_DBT_PROJECT_DIR on the copy (the second build)
#   5. pathways validate on the trial warehouse: the approval verdict and its HTML page
# and prints the wall-clock time of steps 2, 4 and 5.
#
# The worksheet: the district's seeds/worksheets/cedar_bend_isd.csv when there is one. The
# approval needs one; without it the verdict keeps "no worksheet received". With
# --demo-worksheet the demo's own stand-in is written (tools/demo_worksheets.py, what the
# synthetic district would fill in, from the first trial's marts; its grades left out) into
# SCRATCH/worksheets (PATHWAYS_WORKSHEET_DIR) before the second build.
#
# Run from the repository root with `pathways` and `python` of the project's venv on PATH
# (or PATHWAYS=... PYTHON=...). PATHWAYS_WORK_DIR decides where the trial warehouse goes
# (<work dir>/onboarding/cedar_bend_isd/). Exit 0 when the district is ready for training.
set -euo pipefail

DISTRICT=${DISTRICT:-cedar_bend_isd}
PATHWAYS=${PATHWAYS:-pathways}
PYTHON=${PYTHON:-python}
SCRATCH=""
DEMO_WORKSHEET=0
for arg in "$@"; do
    case "$arg" in
        --demo-worksheet) DEMO_WORKSHEET=1 ;;
        *) SCRATCH=$arg ;;
    esac
done
SCRATCH=${SCRATCH:-$(mktemp -d -t onboarding-walkthrough.XXXXXX)}
mkdir -p "$SCRATCH"
ROOT=$(pwd)
TIMES=()

now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
say() { printf '\n### %s\n' "$*"; }

say "1. the district's first files"
rm -rf "$SCRATCH/files"
"$PATHWAYS" generate --district "$DISTRICT" --out "$SCRATCH/files" | tee "$SCRATCH/generate.txt"
# the folder the district's export writes to (printed as `<district>: <folder>  <rows>`)
FOLDER=$(sed -n "s/^$DISTRICT: \([^ ]*\) .*/\1/p" "$SCRATCH/generate.txt")
ls -l "$FOLDER"

TRIAL=$("$PYTHON" -c "from ingest.onboard import trial_dir; print(trial_dir('$DISTRICT'))")

say "2. pathways onboard --district $DISTRICT --from $FOLDER"
t=$(now)
"$PATHWAYS" onboard --district "$DISTRICT" --from "$FOLDER" | tee "$SCRATCH/onboard-1.txt"
TIMES+=("onboard (recognize, propose, trial load + build, verdict): $(took "$t") s")

say "3. fill in the printed crosswalk rows, in a copy of the project"
rm -rf "$SCRATCH/project"
mkdir -p "$SCRATCH/project/tests"
cp -r dbt_project "$SCRATCH/project/dbt_project"
rm -rf "$SCRATCH/project/dbt_project/target" "$SCRATCH/project/dbt_project/logs"
cp -r seeds macros "$SCRATCH/project/"
cp -r tests/dbt "$SCRATCH/project/tests/dbt"
cat "$TRIAL/crosswalk_rows.csv"
# What the district says its codes mean (the district's answer, never a guess): its
# MARK_TYPE codes are its semesters and its final, like eSchool's S1 / S2 / FIN.
"$PYTHON" - "$TRIAL/crosswalk_rows.csv" "$SCRATCH/project/seeds" <<'EOF'
import csv
import sys
from pathlib import Path

from ingest.crosswalks import crosswalk_row, seed_columns

MEANING = {
    "xwalk_terms": {
        "SEM1": {"term_code": "S1", "term_name": "Semester 1", "term_type": "semester",
                 "term_sequence": 1, "is_final_term": True},
        "SEM2": {"term_code": "S2", "term_name": "Semester 2", "term_type": "semester",
                 "term_sequence": 2, "is_final_term": True},
        "FINL": {"term_code": "F", "term_name": "Final", "term_type": "final",
                 "term_sequence": 1, "is_final_term": True},
    },
}  # fmt: skip
rows_file, seeds = Path(sys.argv[1]), Path(sys.argv[2])
seed, added = None, {}
for line in rows_file.read_text(encoding="utf-8").splitlines():
    if line.startswith("# seeds/"):
        seed = line.split("/", 1)[1].split(".csv", 1)[0]
        continue
    row = dict(zip(seed_columns(seed, seeds), next(csv.reader([line])), strict=True))
    meaning = MEANING.get(seed, {}).get(row["source_code"])
    if meaning is None:
        sys.exit(f"no meaning written for {seed} {row['source_code']}: ask the district")
    filled = crosswalk_row(seed, row["sis"], row["district_id"], row["source_code"], meaning,
                           seeds_dir=seeds)  # fmt: skip
    added.setdefault(seed, []).append(filled)
for seed, lines in added.items():
    path = seeds / f"{seed}.csv"
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(text + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"appended to {path}:", *lines, sep="\n  ")
EOF

if [ -f "seeds/worksheets/$DISTRICT.csv" ]; then
    echo "worksheet: seeds/worksheets/$DISTRICT.csv"
elif [ "$DEMO_WORKSHEET" = 1 ]; then
    "$PYTHON" tools/demo_worksheets.py --db "$TRIAL/pathways.duckdb" --only "$DISTRICT" \
        --out "$SCRATCH/worksheets"
    export PATHWAYS_WORKSHEET_DIR="$SCRATCH/worksheets"
else
    echo "worksheet: none for $DISTRICT (seeds/worksheets/$DISTRICT.csv): the verdict keeps" \
        "'no worksheet received' (rerun with --demo-worksheet for the demo's stand-in)"
fi

say "4. the second build: pathways onboard with the copy's crosswalk rows"
t=$(now)
PATHWAYS_DBT_PROJECT_DIR="$SCRATCH/project/dbt_project" \
    "$PATHWAYS" onboard --district "$DISTRICT" --from "$FOLDER" | tee "$SCRATCH/onboard-2.txt"
TIMES+=("second build (pathways onboard on the copy): $(took "$t") s")

say "5. pathways validate on the trial warehouse"
t=$(now)
set +e
"$PATHWAYS" --db "$TRIAL/pathways.duckdb" validate --district "$DISTRICT" \
    --out "$SCRATCH/reports"
verdict=$?
set -e
TIMES+=("validate: $(took "$t") s")

say "wall-clock times, as run"
printf '  %s\n' "${TIMES[@]}"
echo "  files: $FOLDER; trial: $TRIAL; project copy: $SCRATCH/project; report: $SCRATCH/reports"
cd "$ROOT"
exit "$verdict"
