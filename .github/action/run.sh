#!/usr/bin/env bash
# The GitHub Action's step: runs gracelint once for annotations on standard
# output, the chosen format in the log, a Markdown job summary, the finding
# counts as step outputs and, on request, SARIF. Inputs come as INPUT_*
# variables (see action.yml); the step fails as gracelint's exit code says.
set -uo pipefail

bin=${GRACELINT_BIN:?GRACELINT_BIN is not set}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

formats=(--format github)
outputs=(--output -)
add() { formats+=(--format "$1"); outputs+=(--output "$2"); }
case ${INPUT_FORMAT:-text} in
	none | github | "") ;;
	*) add "$INPUT_FORMAT" "$work/log" ;;
esac
add markdown "$work/summary.md"
add json "$work/report.json"
if [ -n "${INPUT_SARIF_FILE:-}" ]; then
	add sarif "$INPUT_SARIF_FILE"
fi

args=("${formats[@]}" "${outputs[@]}" --fail-level "${INPUT_FAIL_LEVEL:-warning}")
if [ -n "${INPUT_CONFIG:-}" ]; then
	args+=(--config "$INPUT_CONFIG")
fi
if [ -n "${INPUT_SELECT:-}" ]; then
	args+=(--select "$INPUT_SELECT")
fi
if [ -n "${INPUT_IGNORE:-}" ]; then
	args+=(--ignore "$INPUT_IGNORE")
fi
read -r -a paths <<<"${INPUT_PATH:-.}"

"$bin" "${args[@]}" -- "${paths[@]}"
code=$?

if [ -f "$work/log" ]; then
	cat "$work/log" >&2
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$work/summary.md" ]; then
	cat "$work/summary.md" >>"$GITHUB_STEP_SUMMARY"
fi
# The JSON report puts one key on a line, and quotes inside messages are
# escaped, so a severity line cannot come from a message.
count() { grep -c "^ *\"severity\": \"$1\",\$" "$work/report.json" 2>/dev/null || true; }
errors=$(count error)
warnings=$(count warning)
infos=$(count info)
if [ -n "${GITHUB_OUTPUT:-}" ]; then
	{
		echo "errors=${errors:-0}"
		echo "warnings=${warnings:-0}"
		echo "infos=${infos:-0}"
		echo "findings=$((${errors:-0} + ${warnings:-0} + ${infos:-0}))"
		echo "exit-code=$code"
	} >>"$GITHUB_OUTPUT"
fi
exit "$code"
