#!/bin/sh
# bad_input.sh GCBENCH WORKDIR [NAME]: the bad-input table (issue 15).
#
# Each `row NAME STATUS PATTERN COMMAND` runs COMMAND with sh in a fresh
# directory WORKDIR/NAME, with $G the gcbench binary and $D this folder,
# and passes when the exit status is STATUS and the combined output
# matches the extended regex PATTERN (which names the culprit: the file,
# field, option or value at fault).  Without NAME every row runs and the
# counts are printed; CMake registers each row as e2e.bad_input.NAME.
G=$1; W=$2; only=$3
[ "$G" = "--names" ] || G=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
D=$(cd "$(dirname "$0")" && pwd)
export G D
export LC_ALL=C  # patterns match bytes (a row feeds invalid UTF-8)
tried=0; clear=0; failed=""

row() {
  name=$1; want=$2; pattern=$3; cmd=$4
  [ "$G" = "--names" ] && { echo "$name"; return 0; }
  [ -n "$only" ] && [ "$only" != "$name" ] && return 0
  tried=$((tried + 1))
  dir=$W/$name
  rm -rf "$dir"; mkdir -p "$dir"
  out=$(cd "$dir" && sh -c "$cmd" 2>&1); got=$?
  if [ "$got" = "$want" ] && printf '%s\n' "$out" | grep -aEq -- "$pattern"; then
    clear=$((clear + 1)); echo "ok   $name (exit $got)"
  else
    failed="$failed $name"
    printf 'FAIL %s: exit %s (want %s), pattern /%s/\n%s\n' "$name" "$got" "$want" "$pattern" "$out" | head -40
  fi
}

# The start of a small valid request, for rows that add one bad field.
RUN='gcb.run{collector = "nogc", workload = "builder", params = { writes = 10 }'
export RUN

# ---- command line -------------------------------------------------------
row no_command 2 'usage: gcbench' '$G'
row unknown_command 2 "unknown command 'frobnicate'" '$G frobnicate'
row run_no_script 2 'no SCRIPT.lua given' '$G run'
row run_missing_script 2 "cannot read script 'no/such.lua'" '$G run no/such.lua'
row run_unknown_option 2 "unknown option '--frob'" 'echo "" > s.lua; $G run s.lua --frob'
row run_out_no_value 2 "option '--out' needs a value" 'echo "" > s.lua; $G run s.lua --out'
row run_two_scripts 2 "unexpected argument 'b.lua'" 'echo "" > s.lua; $G run s.lua b.lua'
row list_bad_arg 2 "unknown argument '--xml'" '$G list --xml'
row script_args_60 0 '^60$' 'echo "print(#arg)" > s.lua; $G run s.lua --out o.jsonl -- $(seq 1 60)'
row script_args_5000 0 '^5000$' 'echo "print(#arg)" > s.lua; $G run s.lua --out o.jsonl -- $(seq 1 5000)'

# ---- scripts ------------------------------------------------------------
row syntax_error 2 's.lua:[0-9]+: unexpected symbol' 'echo "gcb.run{" > s.lua; $G run s.lua --out o.jsonl'
row runtime_error 2 's.lua:1: boom' 'echo "error(\"boom\")" > s.lua; $G run s.lua --out o.jsonl'
row run_not_table 2 "s.lua:1:.*bad argument #1 to 'run'" 'echo "gcb.run(3)" > s.lua; $G run s.lua --out o.jsonl'
row unknown_field 2 "unknown field 'threds' \(known: collector," 'echo "$RUN, threds = 2 }" > s.lua; $G run s.lua --out o.jsonl'
row unknown_field_number_key 2 "unknown field '1' \(known: collector," 'echo "$RUN, 5 }" > s.lua; $G run s.lua --out o.jsonl'
row no_collector 2 "s.lua:1:.*'collector' is required" 'echo "gcb.run{workload=\"builder\"}" > s.lua; $G run s.lua --out o.jsonl'
row no_workload 2 "s.lua:1:.*'workload' is required" 'echo "gcb.run{collector=\"nogc\"}" > s.lua; $G run s.lua --out o.jsonl'
row unknown_collector 2 "s.lua:1:.*nosuchgc" 'echo "gcb.run{collector=\"nosuchgc\", workload=\"builder\"}" > s.lua; $G run s.lua --out o.jsonl'
row unknown_workload 2 "s.lua:1:.*unknown workload 'nosuchwl' \(known: " 'echo "gcb.run{collector=\"nogc\", workload=\"nosuchwl\"}" > s.lua; $G run s.lua --out o.jsonl'
row threads_fraction 2 "'threads' = 1.9 must be an integer" 'echo "$RUN, threads = 1.9 }" > s.lua; $G run s.lua --out o.jsonl'
row threads_zero 2 "'threads' = 0 is out of range" 'echo "$RUN, threads = 0 }" > s.lua; $G run s.lua --out o.jsonl'
row threads_string 2 "'threads' must be a number, not string" 'echo "$RUN, threads = \"2\" }" > s.lua; $G run s.lua --out o.jsonl'
row ops_fraction 2 "'ops' = 2.7 must be an integer" 'echo "$RUN, ops = 2.7 }" > s.lua; $G run s.lua --out o.jsonl'
row ops_zero 2 "'ops' = 0 is out of range \[1," 'echo "$RUN, ops = 0 }" > s.lua; $G run s.lua --out o.jsonl'
row ops_negative 2 "'ops' = -5 is out of range" 'echo "$RUN, ops = -5 }" > s.lua; $G run s.lua --out o.jsonl'
row ops_nan 2 "'ops' = -?nan" 'echo "$RUN, ops = 0/0 }" > s.lua; $G run s.lua --out o.jsonl'
row ops_and_duration 2 'either ops or duration' 'echo "$RUN, ops = 5, duration = 1 }" > s.lua; $G run s.lua --out o.jsonl'
row duration_zero 2 "'duration' = 0 is out of range" 'echo "$RUN, duration = 0 }" > s.lua; $G run s.lua --out o.jsonl'
row duration_inf 2 "'duration' = inf is out of range" 'echo "$RUN, duration = math.huge }" > s.lua; $G run s.lua --out o.jsonl'
row repeat_fraction 2 "'repeat' = 1.5 must be an integer" 'echo "$RUN, [\"repeat\"] = 1.5 }" > s.lua; $G run s.lua --out o.jsonl'
row timeout_zero 2 "'timeout' = 0 is out of range" 'echo "$RUN, timeout = 0 }" > s.lua; $G run s.lua --out o.jsonl'
row sample_hz_negative 2 "'sample_hz' = -1 is out of range" 'echo "$RUN, sample_hz = -1 }" > s.lua; $G run s.lua --out o.jsonl'
row record_latency_string 2 "'record_latency' must be a boolean" 'echo "$RUN, record_latency = \"false\" }" > s.lua; $G run s.lua --out o.jsonl'
row record_latency_zero 2 "'record_latency' must be a boolean" 'echo "$RUN, record_latency = 0 }" > s.lua; $G run s.lua --out o.jsonl'
row pin_word 2 "pin.*'sideways'" 'echo "$RUN, pin = \"sideways\" }" > s.lua; $G run s.lua --out o.jsonl'
row pin_number 2 "'pin' must be" 'echo "$RUN, pin = 3 }" > s.lua; $G run s.lua --out o.jsonl'
row pin_2_32 2 "'pin' list entry 1 = 4294967296 is not a PU number" 'echo "$RUN, pin = { 4294967296 } }" > s.lua; $G run s.lua --out o.jsonl'
row pin_negative 2 "'pin' list entry 1 = -1 is not a PU number" 'echo "$RUN, pin = { -1 } }" > s.lua; $G run s.lua --out o.jsonl'
row pin_absent_pu 2 "pin.*100000" 'echo "$RUN, pin = { 100000 } }" > s.lua; $G run s.lua --out o.jsonl'
row pin_string_entry 2 "'pin' list entry 1 must be a PU number" 'echo "$RUN, pin = { \"a\" } }" > s.lua; $G run s.lua --out o.jsonl'

# ---- collector options and workload params --------------------------------
row option_unknown 2 "collector 'marksweep': unknown option 'gogcc'" 'echo "gcb.run{collector=\"marksweep\", workload=\"builder\", options={gogcc=1}}" > s.lua; $G run s.lua --out o.jsonl'
row option_bad_value 2 "option 'gogc' = \"fast\": expected" 'echo "gcb.run{collector=\"marksweep\", workload=\"builder\", options={gogc=\"fast\"}}" > s.lua; $G run s.lua --out o.jsonl'
row option_out_of_range 2 "option 'gogc' = \"-7\": expected" 'echo "gcb.run{collector=\"marksweep\", workload=\"builder\", options={gogc=-7}}" > s.lua; $G run s.lua --out o.jsonl'
row option_int_fraction 2 "option 'gogc' = \"2.5\": expected" 'echo "gcb.run{collector=\"marksweep\", workload=\"builder\", options={gogc=2.5}}" > s.lua; $G run s.lua --out o.jsonl'
row option_bool_word 2 "option 'verify' = \"maybe\": expected" 'echo "gcb.run{collector=\"marksweep\", workload=\"builder\", options={verify=\"maybe\"}}" > s.lua; $G run s.lua --out o.jsonl'
row option_enum_word 2 "option 'mode' = \"fast\": expected" 'echo "gcb.run{collector=\"marksweep\", workload=\"builder\", options={mode=\"fast\"}}" > s.lua; $G run s.lua --out o.jsonl'
row option_bytes_suffix 2 "option 'chunk' = \"12 parsecs\"" 'echo "gcb.run{collector=\"nogc\", workload=\"builder\", options={chunk=\"12 parsecs\"}}" > s.lua; $G run s.lua --out o.jsonl'
row option_table_value 2 "option 'gogc' must be a number, boolean or string, not table" 'echo "gcb.run{collector=\"marksweep\", workload=\"builder\", options={gogc={}}}" > s.lua; $G run s.lua --out o.jsonl'
row option_huge_value 2 "option 'gogc' = \"x{60}\.\.\.\" \(1048576 bytes\): expected" 'echo "gcb.run{collector=\"marksweep\", workload=\"builder\", options={gogc=string.rep(\"x\", 1<<20)}}" > s.lua; $G run s.lua --out o.jsonl'
row option_huge_name 2 "unknown option 'x{80}\.\.\.'; known options: 'mode'" 'echo "gcb.run{collector=\"marksweep\", workload=\"builder\", options={[string.rep(\"x\", 1<<20)]=1}}" > s.lua; $G run s.lua --out o.jsonl'
row options_not_table 2 "'options' must be a table" 'echo "gcb.run{collector=\"marksweep\", workload=\"builder\", options=3}" > s.lua; $G run s.lua --out o.jsonl'
row option_number_key 2 "'options' keys must be option names" 'echo "gcb.run{collector=\"marksweep\", workload=\"builder\", options={5}}" > s.lua; $G run s.lua --out o.jsonl'
row param_unknown 2 "workload 'builder': unknown option 'writez'" 'echo "gcb.run{collector=\"nogc\", workload=\"builder\", params={writez=1}}" > s.lua; $G run s.lua --out o.jsonl'
row param_bad_value 2 "option 'writes' = \"many\"" 'echo "gcb.run{collector=\"nogc\", workload=\"builder\", params={writes=\"many\"}}" > s.lua; $G run s.lua --out o.jsonl'
row param_fraction 2 "option 'writes' = \"2.5\"" 'echo "gcb.run{collector=\"nogc\", workload=\"builder\", params={writes=2.5}}" > s.lua; $G run s.lua --out o.jsonl'

# ---- gcb.report / gcb.median ----------------------------------------------
row report_files_out 0 'wrote rdir/report.md' 'echo "$RUN }" > a.lua && $G run a.lua --out r.jsonl && echo "gcb.report{ files = { \"r.jsonl\" }, out = \"rdir\", plots = false }" > s.lua && $G run s.lua --out o.jsonl'
row report_out_table 2 "gcb.report: 'out' must be a string \(a directory\), not table" 'echo "gcb.report{ out = {} }" > s.lua; $G run s.lua --out o.jsonl'
row report_files_entry 2 "gcb.report: files\[2\] must be a file name" 'echo "gcb.report{ files = { \"a\", {} } }" > s.lua; $G run s.lua --out o.jsonl'
row report_unknown_field 2 "gcb.report: unknown field 'outt'" 'echo "gcb.report{ outt = 1 }" > s.lua; $G run s.lua --out o.jsonl'
row report_plots_string 2 "gcb.report: 'plots' must be a boolean" 'echo "gcb.report{ plots = \"no\" }" > s.lua; $G run s.lua --out o.jsonl'
row median_bad_field 2 "gcb.median: field 'status' of run 1 is string" 'echo "gcb.median({{status=\"ok\"}}, \"status\")" > s.lua; $G run s.lua --out o.jsonl'

# ---- results files (--out) ---------------------------------------------------
row out_proc 2 "results file '/proc/x.jsonl': " 'echo "print(\"script ran\")" > s.lua; $G run s.lua --out /proc/x.jsonl'
row out_directory 2 "results file 'd': " 'mkdir d; echo "print(\"script ran\")" > s.lua; $G run s.lua --out d'
row out_long_path 2 "path is 5001 bytes, at most" 'echo "" > s.lua; p=$(printf "a/%.0s" $(seq 1 2500))x; $G run s.lua --out "$p"; rc=$?; [ -e a ] && echo "stray directory a" && exit 9; exit $rc'
row out_under_file 2 "results file 'f/r.jsonl': Not a directory" 'echo "" > s.lua; touch f; $G run s.lua --out f/r.jsonl'
row out_partial_last_line 0 "r.jsonl:2: warning: skipping a partial record" 'echo "$RUN }" > s.lua; $G run s.lua --out r.jsonl && printf "{\"schema\": \"gcbench.ru" >> r.jsonl && $G run s.lua --out r.jsonl && [ $(wc -l < r.jsonl) = 3 ] && $G report r.jsonl --out rep --no-plots'
row records_malformed_line 2 "r.jsonl:2: malformed JSON" 'echo "$RUN }" > s.lua; $G run s.lua --out r.jsonl && echo "garbage" >> r.jsonl && $G run s.lua --out r.jsonl && $G report r.jsonl --out rep --no-plots'
row records_not_a_record 2 "r.jsonl:1: not a run record" 'echo "{}" > r.jsonl; $G report r.jsonl --out rep --no-plots'
row records_missing 2 "nope.jsonl: No such file" '$G report nope.jsonl --out rep --no-plots'
row compare_missing 2 "nope.jsonl" '$G compare nope.jsonl nope.jsonl'

# ---- environment -------------------------------------------------------------
row opclock_bogus 2 "GCBENCH_OPCLOCK='bogus': expected 'monotonic'" 'echo "" > s.lua; GCBENCH_OPCLOCK=bogus $G run s.lua --out o.jsonl'
row plugin_dir_missing 2 "plugin dir '/nonexistent' \(GCBENCH_PLUGIN_DIR\): No such file" 'GCBENCH_PLUGIN_DIR=/nonexistent $G list'
row plugin_path_not_utf8 2 "collector '.*' is not valid UTF-8" 'printf "gcb.run{collector=\"./\\377.so\", workload=\"builder\"}\n" > s.lua; $G run s.lua --out o.jsonl'
row plugin_missing_path 2 "s.lua:1:.*/no/such.so: cannot open plugin" 'echo "gcb.run{collector=\"/no/such.so\", workload=\"builder\"}" > s.lua; $G run s.lua --out o.jsonl'
row plugin_not_elf 2 "s.lua:1:.*junk.so: cannot load plugin" 'echo junk > junk.so; echo "gcb.run{collector=\"./junk.so\", workload=\"builder\"}" > s.lua; $G run s.lua --out o.jsonl'

# ---- hostile plugins ($HOSTILE: built from hostile_plugin.c) ---------------------
# (A sanitizer catches the fault and exits instead: status 1 under
# AddressSanitizer, 66 under ThreadSanitizer.)
FAULTED="(killed its process with signal 11|ended its process with exit status (1|66) )"
row plugin_ctor_exit 2 "s.lua:1:.*ctor_exit.so: loading the plugin ended its process with exit status 0" 'echo "$RUN }" | sed "s|\"nogc\"|\"$HOSTILE/ctor_exit.so\"|" > s.lua; $G run s.lua --out o.jsonl'
row plugin_ctor_fault 2 "s.lua:1:.*ctor_fault.so: loading the plugin $FAULTED" 'echo "$RUN }" | sed "s|\"nogc\"|\"$HOSTILE/ctor_fault.so\"|" > s.lua; $G run s.lua --out o.jsonl'
row plugin_entry_fault 2 "s.lua:1:.*entry_fault.so: loading the plugin $FAULTED" 'echo "$RUN }" | sed "s|\"nogc\"|\"$HOSTILE/entry_fault.so\"|" > s.lua; $G run s.lua --out o.jsonl'
row plugin_fault_after_runs 2 "s.lua:2:.*ctor_fault.so: loading the plugin $FAULTED" 'printf "%s\n%s\n" "$RUN }" "$RUN }" | sed "2s|\"nogc\"|\"$HOSTILE/ctor_fault.so\"|" > s.lua; $G run s.lua --out o.jsonl; rc=$?; [ $(wc -l < o.jsonl) = 1 ] || exit 9; exit $rc'
row list_hostile_plugin 0 "ctor_fault +REFUSED: .*ctor_fault.so: loading the plugin $FAULTED" 'GCBENCH_PLUGIN_DIR=$HOSTILE_DIR $G list && GCBENCH_PLUGIN_DIR=$HOSTILE_DIR $G list | grep -q "^  nogc "'
row list_json_hostile_plugin 0 "\"error\": \".*ctor_fault.so: loading the plugin" 'GCBENCH_PLUGIN_DIR=$HOSTILE_DIR $G list --json'
row lua_collectors_hostile 0 "^nogc ok$" 'echo "for _, c in ipairs(gcb.collectors()) do print(c.name, c.error and \"refused\" or \"ok\") end" > s.lua; GCBENCH_PLUGIN_DIR=$HOSTILE_DIR $G run s.lua --out o.jsonl | tr "\t" " "'

# ---- record files: report and compare ------------------------------------------
row trace_huge_tid 0 "wrote rep/trace-huge-tid.json" 'timeout 30 $G report $D/data/tid_huge.jsonl --out rep --trace huge-tid --no-plots'
row trace_duplicate_id 2 "--trace 'a-0': 2 runs have this id \(first at r.jsonl:1\)" 'head -1 $D/../report/data/bytes.jsonl > r.jsonl; head -1 $D/../report/data/bytes.jsonl >> r.jsonl; $G report r.jsonl --out rep --trace a-0 --no-plots'
row trace_unknown_id 2 "no run with id 'nope'" '$G report $D/../report/data/bytes.jsonl --out rep --trace nope --no-plots'
row ids_unique_per_run 0 "^2 ids, 2 distinct, 1 config_hash$" 'echo "$RUN }" > s.lua; $G run s.lua --out o.jsonl && $G run s.lua --out o.jsonl && echo "$(grep -o "\"id\":\"[^\"]*\"" o.jsonl | wc -l) ids, $(grep -o "\"id\":\"[^\"]*\"" o.jsonl | sort -u | wc -l) distinct, $(grep -o "\"config_hash\":\"[^\"]*\"" o.jsonl | sort -u | wc -l) config_hash"'
row csv_quoting 0 '^"marksweep\{gogc=a,""b""$' '$G report $D/data/csv_quote.jsonl --out rep --format csv && cat rep/report.csv'
row report_bad_format 2 "--format 'xml': expected md, html, csv" '$G report $D/../report/data/bytes.jsonl --out rep --format xml'

# ---- more command lines and scripts ----------------------------------------------
row version 0 "gcbench .* \(ABI [0-9]+, record gcbench.run/1\)" '$G --version'
row help 0 "gcbench run SCRIPT.lua" '$G --help'
row run_help 0 "gcbench run SCRIPT.lua" '$G run --help'
row run_out_empty 2 "results file: empty path" 'echo "" > s.lua; $G run s.lua --out='
row script_directory 2 "cannot read \.: Is a directory" '$G run . --out o.jsonl'
row script_bytecode 2 "s.lua: attempt to load a binary chunk" 'printf "\033Lua" > s.lua; $G run s.lua --out o.jsonl'
row script_empty 0 "no results file left" 'touch s.lua; $G run s.lua --out o.jsonl && [ ! -e o.jsonl ] && echo "no results file left"'
row script_error_table 2 "s.lua:1: in main chunk" 'echo "error({})" > s.lua; $G run s.lua --out o.jsonl'
row script_stack_overflow 2 "s.lua:1: stack overflow" 'echo "local function f() return f() + 1 end f()" > s.lua; $G run s.lua --out o.jsonl'
row collector_number 2 "collector '123'" 'echo "gcb.run{collector = 123, workload = \"builder\"}" > s.lua; $G run s.lua --out o.jsonl'
row collector_empty 2 "collector is required" 'echo "gcb.run{collector = \"\", workload = \"builder\"}" > s.lua; $G run s.lua --out o.jsonl'
row workload_table 2 "'workload' is required" 'echo "gcb.run{collector = \"nogc\", workload = {}}" > s.lua; $G run s.lua --out o.jsonl'
row threads_huge 2 "'threads' = 5000 is out of range" 'echo "$RUN, threads = 5000 }" > s.lua; $G run s.lua --out o.jsonl'
row repeat_huge 2 "'repeat' = 1000000000 is out of range" 'echo "$RUN, [\"repeat\"] = 1e9 }" > s.lua; $G run s.lua --out o.jsonl'
row timeout_huge 2 "'timeout' = 10000000 is out of range" 'echo "$RUN, timeout = 1e7 }" > s.lua; $G run s.lua --out o.jsonl'
row duration_negative 2 "'duration' = -1 is out of range" 'echo "$RUN, duration = -1 }" > s.lua; $G run s.lua --out o.jsonl'
row sample_hz_huge 2 "'sample_hz' = 1000000000 is out of range" 'echo "$RUN, sample_hz = 1e9 }" > s.lua; $G run s.lua --out o.jsonl'
row pin_empty_list 2 "pin list: the list of PUs is empty" 'echo "$RUN, pin = {} }" > s.lua; $G run s.lua --out o.jsonl'
row option_on_malloc 2 "collector 'malloc': unknown option 'gogc'" 'echo "gcb.run{collector=\"malloc\", workload=\"builder\", options={gogc=1}}" > s.lua; $G run s.lua --out o.jsonl'
row option_bool_for_int 2 "option 'gogc' = \"true\": expected" 'echo "gcb.run{collector=\"marksweep\", workload=\"builder\", options={gogc=true}}" > s.lua; $G run s.lua --out o.jsonl'
row option_bytes_too_small 2 "option 'memlimit' = \"1KiB\": expected" 'echo "gcb.run{collector=\"marksweep\", workload=\"builder\", options={memlimit=\"1KiB\"}}" > s.lua; $G run s.lua --out o.jsonl'
row param_negative 2 "option 'writes' = \"-1\": expected" 'echo "gcb.run{collector=\"nogc\", workload=\"builder\", params={writes=-1}}" > s.lua; $G run s.lua --out o.jsonl'
row median_not_table 2 "bad argument #1 to 'median' \(table expected" 'echo "gcb.median(3, \"x\")" > s.lua; $G run s.lua --out o.jsonl'
row report_not_table 2 "gcb.report: expects a table" 'echo "gcb.report(5)" > s.lua; $G run s.lua --out o.jsonl'
row report_missing_file 2 "nope.jsonl: No such file" 'echo "gcb.report{ files = { \"nope.jsonl\" }, out = \"rep\" }" > s.lua; $G run s.lua --out o.jsonl'

# ---- more record files -----------------------------------------------------------
row records_empty_file 2 "no run records in empty.jsonl" ': > empty.jsonl; $G report empty.jsonl --out rep --no-plots'
row records_binary 2 "b.jsonl:1: malformed JSON" 'printf "\000\001\002\n" > b.jsonl; $G report b.jsonl --out rep --no-plots'
row records_wrong_schema 2 "r.jsonl:1: not a run record: field \"schema\"" 'echo "{\"schema\": \"other/1\"}" > r.jsonl; $G report r.jsonl --out rep --no-plots'
row records_threads_string 2 "r.jsonl:1: not a run record: field \"threads\"" 'head -1 $D/../report/data/bytes.jsonl | sed "s/\"threads\": 1/\"threads\": \"1\"/" > r.jsonl; $G report r.jsonl --out rep --no-plots'
row records_directory 2 "dd: read error: Is a directory" 'mkdir dd; $G report dd --out rep --no-plots'
row report_no_files 2 "usage: gcbench report" '$G report'
row report_unknown_option 2 "--frob" '$G report $D/../report/data/bytes.jsonl --frob'
row report_out_under_file 2 "f/x" 'touch f; $G report $D/../report/data/bytes.jsonl --out f/x --no-plots'
row compare_one_file 2 "usage: gcbench compare" '$G compare $D/../report/data/bytes.jsonl'
row compare_malformed 2 "b.jsonl:1: malformed JSON" 'echo "garbage" > b.jsonl; $G compare $D/../report/data/bytes.jsonl b.jsonl'
row compare_partial_line 0 "p.jsonl:[0-9]+: warning: skipping a partial record" 'cp $D/../report/data/bytes.jsonl p.jsonl; printf "{\"schema\":" >> p.jsonl; $G compare $D/../report/data/bytes.jsonl p.jsonl'

# ---- signals -------------------------------------------------------------------------
LONG='gcb.run{collector = "nogc", workload = "builder", params = { writes = 100 }, duration = 30, timeout = 60}'
export LONG
# Start gcbench on $LONG in the background; sets p (gcbench) and c (its child).
start_long='echo "$LONG" > s.lua; $G run s.lua --out o.jsonl & p=$!; i=0; while [ -z "$(pgrep -P $p -f __child)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; c=$(pgrep -P $p -f __child); sleep 0.5'
export start_long
# (A dead child may stay a zombie a while: PID 1 reaps it, not us.)
alive='case $(ps -o stat= -p $c) in ""|Z*) false;; *) true;; esac'
export alive
row signal_term_gcbench 0 "gcbench ended by signal 15; child gone" 'eval "$start_long"; kill -TERM $p; wait $p; rc=$?; sleep 1; eval "$alive" && exit 9; echo "gcbench ended by signal $((rc - 128)); child gone"'
row signal_hup_gcbench 0 "gcbench ended by signal 1; child gone" 'eval "$start_long"; kill -HUP $p; wait $p; rc=$?; sleep 1; eval "$alive" && exit 9; echo "gcbench ended by signal $((rc - 128)); child gone"'
row signal_kill_child 1 "child killed by signal 9 \(Killed\); last sampled RSS" 'eval "$start_long"; kill -KILL $c; wait $p; rc=$?; cat o.jsonl; exit $rc'
row signal_segv_child 1 "\"status\":\"crashed\".*\"error\":\"child (killed by signal 11 \(Segmentation fault\)|exited with status (1|66) without a record)" 'eval "$start_long"; kill -SEGV $c; wait $p; rc=$?; cat o.jsonl; exit $rc'
row signal_stop_child_timeout 1 "run exceeded timeout of 2 s" 'echo "gcb.run{collector = \"nogc\", workload = \"builder\", duration = 30, timeout = 2}" > s.lua; $G run s.lua --out o.jsonl & p=$!; i=0; while [ -z "$(pgrep -P $p -f __child)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; kill -STOP $(pgrep -P $p -f __child); wait $p; rc=$?; cat o.jsonl; exit $rc'

[ "$G" = "--names" ] && exit 0
[ -n "$only" ] && [ "$tried" = 0 ] && { echo "bad_input.sh: no row '$only'" >&2; exit 1; }
echo "bad input: $tried kinds tried, $clear with a clear error, $((tried - clear)) defects left"
[ -z "$failed" ] || { echo "failed:$failed" >&2; exit 1; }
