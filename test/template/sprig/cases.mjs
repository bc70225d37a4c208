// Source of cases.json: Sprig cases rendered by Go's text/template with the real Sprig v3.3.0
// (scripts/sprig-oracle) into expected.json. Regenerate: node cases.mjs > cases.json, then
// scripts/sprig-oracle/run.sh < cases.json > expected.json.
const c = [];
const add = (id, template, data) => c.push(data === undefined ? { id, template, options: { missingkey: 'zero' } } : { id, template, data, options: { missingkey: 'zero' } });
const D = { s: 'Hello World', n: 42, f: 3.75, neg: -7, zero: 0, list: ['b', 'a', 'c', 'a'], nums: [3, 1, 2], empty: [], map: { a: 1, b: 'two', c: { d: true } }, other: { b: 'TWO', e: 5 }, nil: null, str: '12', fstr: '12.000', hex: '0x1F', oct: '0777', t: true, big: 9007199254740993 };
// strings
for (const [name, args] of [
  ['hello', ''], ['upper', '"héllo wörld"'], ['lower', '"HÉLLO"'], ['title', '"hello wide-world ñandú"'], ['untitle', '"Hello World  FOO"'],
  ['trim', '"  \\t x y \\n "'], ['trimAll', '"$" "$$5.00$"'], ['trimall', '"ab" "abcba"'], ['trimSuffix', '"-" "hello-"'], ['trimPrefix', '"-" "-hello"'],
  ['nospace', '"h e\\tl\\nl o"'], ['nospace', '"é è"'], ['initials', '"First Try  again"'], ['initials', '"élan vital"'], ['swapcase', '"This Is A.Test ßx"'],
  ['snakecase', '"FirstName"'], ['snakecase', '"HTTPServer"'], ['snakecase', '"NoHTTPS"'], ['snakecase', '"GO_PATH"'], ['snakecase', '"GO PATH"'], ['snakecase', '"GO-PATH"'],
  ['snakecase', '"http2xx"'], ['snakecase', '"HTTP20xOK"'], ['snakecase', '"Duration2m3s"'], ['snakecase', '"Bld4Floor"'], ['snakecase', '"a0b1"'], ['snakecase', '"_leading"'], ['snakecase', '"trailing_"'],
  ['snakecase', '"a.b"'], ['snakecase', '"some_words here"'],
  ['kebabcase', '"FirstName"'], ['kebabcase', '"HTTPServer"'], ['kebabcase', '"hello_world"'],
  ['camelcase', '"http_server"'], ['camelcase', '"hello_world-and friends"'], ['camelcase', '"_complex__case_"'], ['camelcase', '"x"'], ['camelcase', '"AlreadyCamel"'],
  ['abbrev', '5 "hello world"'], ['abbrev', '3 "hello world"'], ['abbrev', '20 "hello world"'], ['abbrevboth', '5 10 "1234 5678 9123"'], ['abbrevboth', '0 6 "abcdefghij"'], ['abbrevboth', '10 10 "abcdefghijklmnopqrstuvwxyz"'],
  ['trunc', '5 "hello world"'], ['trunc', '-5 "hello world"'], ['trunc', '50 "hi"'], ['substr', '0 5 "hello world"'], ['substr', '3 -1 "hello"'], ['substr', '2 100 "hello"'],
  ['repeat', '3 "ab"'], ['wrap', '10 "Lorem ipsum dolor sit amet consectetur"'], ['wrapWith', '5 "\\t" "Hello World"'], ['wrap', '3 "abcdefgh ij"'], ['wrapWith', '4 "|" "abcdefgh ij"'],
  ['contains', '"cat" "catch"'], ['hasPrefix', '"ca" "cat"'], ['hasSuffix', '"at" "cat"'], ['quote', '"a\\"b" 1 nil 2.5 true'], ['squote', '"a" 1 nil'], ['cat', '"hello" 1 nil "world" 2.5'],
  ['indent', '4 "a\\nb\\n"'], ['nindent', '2 "a\\nb"'], ['replace', '" " "-" "a b c"'], ['replace', '"" "-" "abc"'], ['plural', '"one" "many" 1'], ['plural', '"one" "many" 2'],
  ['sha1sum', '"hello"'], ['sha256sum', '"hello"'], ['sha512sum', '"hello"'], ['adler32sum', '"hello"'], ['toString', '12'], ['toString', '2.5'], ['toString', 'true'], ['toString', 'nil'],
  ['b64enc', '"hello"'], ['b64dec', '"aGVsbG8="'], ['b64dec', '"not base64!"'], ['b64dec', '"aGVsbG8"'], ['b32enc', '"hello"'], ['b32dec', '"NBSWY3DP"'], ['b32dec', '"NBSWY3D"'], ['b32enc', '"a"'], ['b32dec', '"ME======"'],
  ['base', '"/a/b/c.txt"'], ['base', '"/"'], ['base', '""'], ['dir', '"/a/b/c.txt"'], ['dir', '"c.txt"'], ['clean', '"/a/../b//c/./d/"'], ['clean', '"../../x"'], ['ext', '"a/b.tar.gz"'], ['ext', '"a.b/c"'], ['isAbs', '"/x"'], ['isAbs', '"x"'],
  ['osBase', '"/a/b"'], ['osDir', '"/a/b"'], ['osClean', '"a//b"'], ['osExt', '"x.y"'], ['osIsAbs', '"/"'],
  ['regexMatch', '"^[a-z]+\\\\[[0-9]+\\\\]$" "adam[23]"'], ['regexMatch', '"(" "x"'], ['mustRegexMatch', '"(" "x"'], ['regexFindAll', '"[2,4,6,8]" "123456789" -1'], ['regexFindAll', '"[2,4,6,8]" "123456789" 2'],
  ['regexFind', '"[a-zA-Z][1-9]" "abcd1234"'], ['regexReplaceAll', '"a(x*)b" "-ab-axxb-" "${1}W"'], ['regexReplaceAll', '"a(?P<x>x*)b" "-ab-axxb-" "$x|$$"'], ['regexReplaceAllLiteral', '"a(x*)b" "-ab-axxb-" "${1}"'],
  ['regexSplit', '"z+" "pizza" -1'], ['regexSplit', '"z+" "pizza" 1'], ['regexSplit', '"" "abc" -1'], ['regexSplit', '"a" "banana" -1'], ['regexQuoteMeta', '"1.2.3+[x]"'], ['regexFindAll', '"a*" "baaab" -1'],
  ['splitList', '"$" "foo$bar$baz"'], ['splitList', '"" "abc"'], ['split', '"$" "foo$bar$baz"'], ['splitn', '"$" 2 "foo$bar$baz"'], ['splitn', '"$" 0 "a$b"'], ['join', '"-" (list "a" 1 nil 2.5)'],
  ['sortAlpha', '(list "b" "a" "C" 10 2)'], ['sortAlpha', '"single"'], ['toStrings', '(list 1 2 nil "x")'],
]) add(`str/${name}/${c.length}`, `{{ sprig_${name} ${args} }}`);
add('str/typeOf-split', '{{ sprig_split "$" "a$b" | sprig_typeOf }} {{ (sprig_split "$" "a$b")._1 }}');
add('str/join-strings', '{{ sprig_join ", " (sprig_splitList "," "x,y,z") }}');
add('str/pipe-trunc', '{{ "hello" | sprig_upper | sprig_repeat 2 }}');
add('str/join-data', '{{ sprig_join "+" .list }}', D);
add('str/substr-panic', '{{ sprig_substr -1 20 "hello" }}');
add('str/repeat-neg', '{{ sprig_repeat -1 "x" }}');
add('str/regexFind-bad', '{{ sprig_regexFind "(" "x" }}');
add('str/must-regex', '{{ sprig_mustRegexFind "[0-9]+" "ab12cd345" }}|{{ sprig_mustRegexFindAll "[0-9]+" "ab12cd345" -1 }}|{{ sprig_mustRegexReplaceAll "([a-z])[0-9]" "a1b2" "$1" }}|{{ sprig_mustRegexReplaceAllLiteral "[0-9]" "a1b2" "$1" }}|{{ sprig_mustRegexSplit "[,;]" "a,b;c" -1 }}');
add('str/mustRegexFindAll-bad', '{{ sprig_mustRegexFindAll "a)" "x" -1 }}');
add('str/mustRegexSplit-bad', '{{ sprig_mustRegexSplit "[a" "x" 2 }}');
add('str/mustRegexReplaceAll-bad', '{{ sprig_mustRegexReplaceAll "*a" "x" "y" }}');
add('url/parse', '{{ $u := sprig_urlParse "https://user:pw@host.example:8443/p/a%20th?q=1&r=2#frag" }}{{ $u.scheme }}|{{ $u.host }}|{{ $u.hostname }}|{{ $u.path }}|{{ $u.query }}|{{ $u.fragment }}|{{ $u.userinfo }}|{{ $u.opaque }}');
add('url/parse-opaque', '{{ $u := sprig_urlParse "mailto:a@b.c" }}{{ $u.scheme }}|{{ $u.opaque }}|{{ $u.path }}');
add('url/join', '{{ sprig_urlJoin (sprig_dict "scheme" "https" "host" "example.com:80" "path" "/a b" "query" "x=1" "fragment" "top" "userinfo" "me:pw") }}');
add('url/join-min', '{{ sprig_urlJoin (sprig_dict "host" "h" "path" "p") }}');
add('url/join-bad', '{{ sprig_urlJoin (sprig_dict "host" 1) }}');
// defaults, json, reflection
for (const [id, t] of [
  ['default-empty', '{{ sprig_default "foo" "" }}|{{ sprig_default "foo" "bar" }}|{{ sprig_default "foo" 0 }}|{{ sprig_default "foo" 1.5 }}|{{ sprig_default "foo" nil }}|{{ sprig_default "foo" }}|{{ sprig_default 1 false }}'],
  ['default-data', '{{ sprig_default "d" .missing }}|{{ sprig_default "d" .empty }}|{{ sprig_default "d" .zero }}|{{ sprig_default "d" .s }}|{{ sprig_default "d" .map }}'],
  ['empty', '{{ sprig_empty "" }} {{ sprig_empty 0 }} {{ sprig_empty 0.0 }} {{ sprig_empty nil }} {{ sprig_empty (sprig_list) }} {{ sprig_empty (sprig_dict) }} {{ sprig_empty "x" }} {{ sprig_empty .zero }} {{ sprig_empty .str }}'],
  ['coalesce', '{{ sprig_coalesce 0 "" nil "x" "y" }}|{{ sprig_coalesce 0 "" }}|{{ sprig_coalesce .nil .s }}'],
  ['all-any', '{{ sprig_all 1 "a" true }} {{ sprig_all 1 "" }} {{ sprig_all }} {{ sprig_any 0 "" }} {{ sprig_any 0 "x" }} {{ sprig_any }}'],
  ['ternary', '{{ sprig_ternary "yes" "no" true }} {{ true | sprig_ternary "y" "n" }} {{ false | sprig_ternary 1 2 }}'],
  ['fromJson', '{{ $x := sprig_fromJson "{\\"a\\": [1, 2.5, \\"x\\", null, {\\"b\\": false}]}" }}{{ $x }} {{ $x.a }}'],
  ['fromJson-bad', '{{ sprig_fromJson "{bad" }}'],
  ['mustFromJson-bad', '{{ sprig_mustFromJson "{bad" }}'],
  ['toJson', '{{ sprig_toJson .map }} {{ sprig_toJson "<a&b>" }} {{ sprig_toJson .list }} {{ sprig_toJson .n }} {{ sprig_toJson .nil }}'],
  ['toPrettyJson', '{{ sprig_toPrettyJson .map }}'],
  ['toRawJson', '{{ sprig_toRawJson (sprig_dict "h" "<b>&</b>" "n" 1) }}'],
  ['mustToJson', '{{ sprig_mustToJson (sprig_list 1 "a" nil) }}|{{ sprig_mustToPrettyJson (sprig_list) }}|{{ sprig_mustToRawJson "<>" }}'],
  ['deepCopy', '{{ $a := sprig_dict "x" (sprig_list 1 2) }}{{ $b := sprig_deepCopy $a }}{{ $_ := sprig_set $b "y" 3 }}{{ $a }} {{ $b }}{{ sprig_mustDeepCopy .map }}'],
  ['typeOf', '{{ sprig_typeOf 1 }} {{ sprig_typeOf 1.5 }} {{ sprig_typeOf "s" }} {{ sprig_typeOf true }} {{ sprig_typeOf nil }} {{ sprig_typeOf (sprig_list) }} {{ sprig_typeOf (sprig_dict) }} {{ sprig_typeOf .n }} {{ sprig_typeOf .map }} {{ sprig_typeOf (sprig_int64 1) }} {{ sprig_typeOf (sprig_splitList "," "a") }} {{ sprig_typeOf (sprig_until 2) }}'],
  ['kindOf', '{{ sprig_kindOf 1 }} {{ sprig_kindOf 1.5 }} {{ sprig_kindOf "s" }} {{ sprig_kindOf nil }} {{ sprig_kindOf (sprig_list) }} {{ sprig_kindOf (sprig_dict) }} {{ sprig_kindOf .n }} {{ sprig_kindOf (sprig_int64 2) }}'],
  ['typeIs', '{{ sprig_typeIs "int" 1 }} {{ sprig_typeIs "string" 1 }} {{ sprig_typeIsLike "int" 1 }} {{ sprig_kindIs "map" .map }} {{ sprig_kindIs "slice" .list }} {{ sprig_typeIs "json.Number" .n }}'],
  ['deepEqual', '{{ sprig_deepEqual (sprig_list 1 2) (sprig_list 1 2) }} {{ sprig_deepEqual (sprig_list 1 2) (sprig_list 1 "2") }} {{ sprig_deepEqual .map .map }} {{ sprig_deepEqual 1 1.0 }} {{ sprig_deepEqual nil nil }}'],
  ['fail', '{{ sprig_fail "boom here" }}'],
]) add(`def/${id}`, t, D);
// lists
for (const [id, t] of [
  ['list', '{{ sprig_list 1 "a" nil 2.5 }} {{ sprig_tuple }} {{ sprig_list | len }}'],
  ['push', '{{ sprig_push (sprig_list 1 2) 3 }} {{ sprig_append .list "z" }} {{ sprig_mustPush (sprig_list) 1 }} {{ sprig_mustAppend .nums 9 }}'],
  ['push-bad', '{{ sprig_push "x" 1 }}'],
  ['push-nil', '{{ sprig_push nil 1 }}'],
  ['mustPush-bad', '{{ sprig_mustPush 3 1 }}'],
  ['prepend', '{{ sprig_prepend .list "z" }} {{ sprig_mustPrepend (sprig_list) 0 }}'],
  ['first-last', '{{ sprig_first .list }} {{ sprig_last .list }} {{ sprig_first .empty }} {{ sprig_last (sprig_list) }} {{ sprig_mustFirst .nums }} {{ sprig_mustLast .nums }}'],
  ['first-bad', '{{ sprig_first "abc" }}'],
  ['mustLast-bad', '{{ sprig_mustLast 1 }}'],
  ['rest-initial', '{{ sprig_rest .list }} {{ sprig_initial .list }} {{ sprig_rest .empty }} {{ sprig_initial .empty }} {{ sprig_mustRest .nums }} {{ sprig_mustInitial .nums }} {{ sprig_rest (sprig_list) | sprig_typeOf }}'],
  ['reverse', '{{ sprig_reverse .list }} {{ sprig_mustReverse (sprig_list) }} {{ sprig_reverse (sprig_splitList "," "a,b") }}'],
  ['compact', '{{ sprig_compact (sprig_list 1 0 "" nil "x" false (sprig_list)) }} {{ sprig_mustCompact .list }}'],
  ['uniq', '{{ sprig_uniq .list }} {{ sprig_uniq (sprig_list 1 1 "1" 1.0 nil nil) }} {{ sprig_mustUniq .empty }}'],
  ['without', '{{ sprig_without .list "a" }} {{ sprig_without (sprig_list 1 2 3 4) 1 3 }} {{ sprig_mustWithout .nums 1 }}'],
  ['has', '{{ sprig_has "a" .list }} {{ sprig_has "z" .list }} {{ sprig_has 1 (sprig_list 1 2) }} {{ sprig_has 1 nil }} {{ sprig_mustHas 3 .nums }} {{ .list | sprig_has "b" }}'],
  ['has-bad', '{{ sprig_has 1 "abc" }}'],
  ['slice', '{{ sprig_slice .list }} {{ sprig_slice .list 1 }} {{ sprig_slice .list 1 3 }} {{ sprig_slice (sprig_list) }} {{ sprig_mustSlice .nums 0 1 }} {{ sprig_slice (sprig_splitList "," "a,b,c") 1 }}'],
  ['slice-bad', '{{ sprig_slice "abc" 1 }}'],
  ['slice-range', '{{ sprig_slice .list 3 1 }}'],
  ['concat', '{{ sprig_concat .list .nums (sprig_list 1) }} {{ sprig_concat }} {{ sprig_concat (sprig_list) (sprig_list) }} {{ sprig_concat (sprig_splitList "," "a,b") }}'],
  ['concat-bad', '{{ sprig_concat .list "x" }}'],
  ['chunk', '{{ sprig_chunk 2 (sprig_list 1 2 3 4 5) }} {{ sprig_chunk 3 .list }} {{ sprig_mustChunk 5 .nums }} {{ sprig_chunk 2 (sprig_list) }}'],
  ['chunk-bad', '{{ sprig_chunk 2 "ab" }}'],
  ['until', '{{ sprig_until 5 }} {{ sprig_until -3 }} {{ sprig_untilStep 0 10 3 }} {{ sprig_untilStep 10 0 -4 }} {{ sprig_untilStep 0 10 -1 }} {{ range sprig_until 3 }}{{ . }}{{ end }}'],
  ['seq', '{{ sprig_seq 5 }}|{{ sprig_seq -3 }}|{{ sprig_seq 2 5 }}|{{ sprig_seq 5 2 }}|{{ sprig_seq 0 2 10 }}|{{ sprig_seq 10 -3 0 }}|{{ sprig_seq 10 3 0 }}|{{ sprig_seq }}|{{ sprig_seq 1 2 3 4 }}'],
]) add(`list/${id}`, t, D);
// dicts
for (const [id, t] of [
  ['dict', '{{ sprig_dict "a" 1 "b" "x" "c" }} {{ sprig_dict 1 2 }} {{ sprig_dict }}'],
  ['get-set', '{{ $d := sprig_dict "a" 1 }}{{ sprig_get $d "a" }}|{{ sprig_get $d "zz" }}|{{ sprig_set $d "b" 2 }}|{{ sprig_unset $d "a" }}|{{ $d }}|{{ sprig_hasKey $d "b" }}|{{ sprig_hasKey $d "a" }}'],
  ['get-data', '{{ sprig_get .map "b" }} {{ sprig_get .map "c" }} {{ sprig_hasKey .map "a" }}'],
  ['pluck', '{{ sprig_pluck "b" .map .other (sprig_dict "b" 3) (sprig_dict) }}'],
  ['keys', '{{ sprig_keys .map .other | sprig_sortAlpha }} {{ sprig_keys | len }}'],
  ['values', '{{ sprig_values (sprig_dict "a" 1) }} {{ sprig_values (sprig_dict) }}'],
  ['pick-omit', '{{ sprig_pick .map "a" "c" "zz" }} {{ sprig_omit .map "a" "c" }} {{ sprig_pick .map }}'],
  ['merge', '{{ $d := sprig_dict "a" 1 "b" "" "n" (sprig_dict "x" 1) }}{{ sprig_merge $d (sprig_dict "b" 2 "c" 3 "n" (sprig_dict "x" 9 "y" 8)) (sprig_dict "c" 4 "d" 5) }} {{ $d }}'],
  ['mergeOverwrite', '{{ $d := sprig_dict "a" 1 "b" "keep" "n" (sprig_dict "x" 1) }}{{ sprig_mergeOverwrite $d (sprig_dict "a" 2 "b" "" "n" (sprig_dict "x" 9 "y" 8)) }}'],
  ['mustMerge', '{{ sprig_mustMerge (sprig_dict "a" 1) .other }} {{ sprig_mustMergeOverwrite (sprig_dict "b" 1) .other }}'],
  ['merge-data', '{{ sprig_merge (sprig_dict) .map .other | sprig_toJson }}'],
  ['dig', '{{ sprig_dig "c" "d" "dflt" .map }} {{ sprig_dig "c" "zz" "dflt" .map }} {{ sprig_dig "a" "dflt" .map }} {{ sprig_dig "x" "y" "z" (sprig_dict "x" (sprig_dict "y" "found")) }}'],
  ['dig-few', '{{ sprig_dig "a" .map }}'],
  ['dig-nonmap', '{{ sprig_dig "b" "x" "d" .map }}'],
  ['dig-nonstring-key', '{{ sprig_dig 1 "d" .map }}'],
  ['set-wrong-type', '{{ sprig_set (sprig_splitList "," "a") "k" 1 }}'],
]) add(`dict/${id}`, t, D);
// numbers
for (const [id, t] of [
  ['int', '{{ sprig_int "12" }} {{ sprig_int 2.9 }} {{ sprig_int -2.9 }} {{ sprig_int "0x1F" }} {{ sprig_int "0777" }} {{ sprig_int "12.000" }} {{ sprig_int "12.5" }} {{ sprig_int true }} {{ sprig_int nil }} {{ sprig_int "abc" }} {{ sprig_int .n }} {{ sprig_int .f }} {{ sprig_int "0b101" }} {{ sprig_int "1_000" }} {{ sprig_int "0x_1F" }}'],
  ['int64', '{{ sprig_int64 "42" }} {{ sprig_int64 .n }} {{ sprig_int64 .fstr }} {{ sprig_int64 .str | sprig_typeOf }}'],
  ['float64', '{{ sprig_float64 "1.5" }} {{ sprig_float64 2 }} {{ sprig_float64 .f }} {{ sprig_float64 "x" }} {{ sprig_float64 "1e3" }} {{ sprig_float64 true }} {{ sprig_float64 .n }}'],
  ['atoi', '{{ sprig_atoi "12" }} {{ sprig_atoi "-3" }} {{ sprig_atoi "1.5" }} {{ sprig_atoi "x" }} {{ sprig_atoi "+7" }}'],
  ['add', '{{ sprig_add 1 2 3 }} {{ sprig_add }} {{ sprig_add "4" 1.9 .n }} {{ sprig_add1 41 }} {{ sprig_add1 .n }}'],
  ['sub-mul-div-mod', '{{ sprig_sub 10 3 }} {{ sprig_mul 2 3 4 }} {{ sprig_mul 5 }} {{ sprig_div 10 3 }} {{ sprig_div -7 2 }} {{ sprig_mod 10 3 }} {{ sprig_mod -7 2 }}'],
  ['div-zero', '{{ sprig_div 1 0 }}'],
  ['mod-zero', '{{ sprig_mod 1 0 }}'],
  ['max-min', '{{ sprig_max 1 5 3 }} {{ sprig_biggest 2 }} {{ sprig_min 4 -2 9 }} {{ sprig_max "7" 2.5 }} {{ sprig_maxf 1 5.5 3 }} {{ sprig_minf 1.5 -2 9 }} {{ sprig_maxf 1 }}'],
  ['floats', '{{ sprig_addf 1.1 2.2 }} {{ sprig_add1f 1.5 }} {{ sprig_subf 10 1.1 2.2 }} {{ sprig_mulf 1.1 3 }} {{ sprig_divf 10 3 }} {{ sprig_divf 1 3 3 }} {{ sprig_addf }} {{ sprig_mulf 0.1 0.2 }} {{ sprig_subf 0.3 0.1 }} {{ sprig_divf 2 4 }}'],
  ['divf-zero', '{{ sprig_divf 1 0 }}'],
  ['ceil-floor-round', '{{ sprig_ceil 1.1 }} {{ sprig_floor 1.9 }} {{ sprig_ceil "-1.5" }} {{ sprig_round 3.14159 2 }} {{ sprig_round 2.5 0 }} {{ sprig_round 2.4 0 }} {{ sprig_round 123.5555 3 }} {{ sprig_round -1.5 0 }} {{ sprig_round 1.45 1 0.4 }}'],
  ['toDecimal', '{{ sprig_toDecimal "0777" }} {{ sprig_toDecimal 777 }} {{ sprig_toDecimal "8" }} {{ sprig_toDecimal "-10" }}'],
  ['data-math', '{{ sprig_add .n .neg }} {{ sprig_mul .f 2 }} {{ sprig_mulf .f 2 }} {{ sprig_max .nums }}'],
]) add(`num/${id}`, t, D);
// dates (deterministic ones)
for (const [id, t] of [
  ['toDate', '{{ sprig_toDate "2006-01-02" "2017-12-31" }}|{{ (sprig_toDate "2006-01-02 15:04:05" "2023-06-07 08:09:10") | sprig_unixEpoch }}'],
  ['toDate-bad', '{{ sprig_toDate "2006-01-02" "not a date" }}'],
  ['mustToDate-bad', '{{ sprig_mustToDate "2006-01-02" "2017-13-45" }}'],
  ['mustToDate-bad2', '{{ sprig_mustToDate "2006-01-02" "x" }}'],
  ['toDate-zone', '{{ sprig_toDate "2006-01-02T15:04:05Z07:00" "2020-02-03T04:05:06+02:00" }}|{{ sprig_toDate "2006-01-02T15:04:05.000Z" "2020-02-03T04:05:06.123Z" }}'],
  ['toDate-layouts', '{{ sprig_toDate "Jan 2, 2006 at 3:04pm (MST)" "Feb 3, 2013 at 7:54pm (UTC)" }}|{{ sprig_toDate "02/01/06" "31/12/99" }}|{{ sprig_toDate "Monday, 2 January 2006" "Sunday, 5 May 2024" }}'],
  ['dateModify', '{{ sprig_toDate "2006-01-02" "2024-01-31" | sprig_mustDateModify "1.5h" }}|{{ sprig_toDate "2006-01-02" "2024-01-31" | sprig_must_date_modify "-24h" }}'],
  ['dateModify-bad', '{{ sprig_toDate "2006-01-02" "2024-01-31" | sprig_mustDateModify "xx" }}'],
  ['unixEpoch', '{{ sprig_toDate "2006-01-02" "1969-12-31" | sprig_unixEpoch }}'],
  ['duration', '{{ sprig_duration "95" }}|{{ sprig_duration (sprig_int64 3700) }}|{{ sprig_duration 5 }}|{{ sprig_duration "x" }}|{{ sprig_duration "0" }}|{{ sprig_duration "86400" }}'],
  ['durationRound', '{{ sprig_durationRound "2h10m5s" }}|{{ sprig_durationRound "-45s" }}|{{ sprig_durationRound "1s" }}|{{ sprig_durationRound (sprig_int64 90000000000) }}|{{ sprig_durationRound "800h" }}|{{ sprig_durationRound "9000h" }}|{{ sprig_durationRound 5 }}|{{ sprig_durationRound "1.5ms" }}'],
  ['date-fixed', '{{ sprig_toDate "2006-01-02" "2020-05-06" | sprig_date "Mon Jan 2 2006 03:04:05PM -0700" }}|{{ sprig_date "2006" (sprig_toDate "2006" "1999") }}'],
  ['date-epoch', '{{ sprig_date "2006-01-02T15:04:05Z07:00" 86400 }}|{{ sprig_dateInZone "2006-01-02 15:04 MST" (sprig_int64 0) "UTC" }}|{{ sprig_htmlDate 0 }}|{{ sprig_htmlDateInZone 1700000000 "UTC" }}|{{ sprig_date_in_zone "15:04" 3600 "Nowhere/Invalid" }}'],
  ['dateModify-plain', '{{ sprig_dateModify "2h" (sprig_toDate "2006-01-02" "2024-02-28") }}|{{ sprig_date_modify "junk" (sprig_toDate "2006-01-02" "2024-02-28") }}'],
]) add(`date/${id}`, t, D);
// crypto and semver (deterministic)
for (const [id, t] of [
  ['derivePassword', '{{ sprig_derivePassword 1 "long" "password" "user" "example.com" }}|{{ sprig_derivePassword 2 "pin" "p" "u" "s" }}|{{ sprig_derivePassword 1 "nope" "p" "u" "s" }}'],
  ['derivePassword-maximum', '{{ sprig_derivePassword 3 "maximum" "secret" "me" "site.org" }}|{{ sprig_derivePassword 1 "basic" "secret" "me" "site.org" }}'],
  ['aes-roundtrip', '{{ sprig_encryptAES "secretkey" "plaintext" | sprig_decryptAES "secretkey" }}|{{ sprig_encryptAES "k" "" }}|{{ sprig_decryptAES "k" "" }}'],
  ['aes-long-key', '{{ sprig_encryptAES "0123456789012345678901234567890123456789" "hello world, this is longer than a block" | sprig_decryptAES "0123456789012345678901234567890123456789" }}'],
  ['decryptAES-bad', '{{ sprig_decryptAES "k" "@@@" }}'],
  ['htpasswd-bad-user', '{{ sprig_htpasswd "a:b" "pw" }}'],
  ['genPrivateKey-unknown', '{{ sprig_genPrivateKey "foo" }}'],
  ['semverCompare', '{{ sprig_semverCompare "^1.2.0" "1.3.0" }} {{ sprig_semverCompare "^1.2.0" "2.0.0" }} {{ sprig_semverCompare "~1.2.0" "1.2.9" }} {{ sprig_semverCompare "~1.2.0" "1.3.0" }} {{ sprig_semverCompare ">=1.0, <2" "1.5.0" }} {{ sprig_semverCompare "1.x" "1.9.9" }} {{ sprig_semverCompare "!=1.2.3" "1.2.3" }} {{ sprig_semverCompare "1.2 - 1.4" "1.4.5" }} {{ sprig_semverCompare "<1 || >=3" "3.1.0" }} {{ sprig_semverCompare "^0.2.3" "0.2.9" }} {{ sprig_semverCompare "^0.2.3" "0.3.0" }} {{ sprig_semverCompare "^0.0.3" "0.0.4" }} {{ sprig_semverCompare ">1.2" "1.2.5" }} {{ sprig_semverCompare "<=1.2" "1.2.5" }}'],
  ['semverCompare-pre', '{{ sprig_semverCompare ">=1.0.0" "1.2.0-beta" }} {{ sprig_semverCompare ">=1.0.0-0" "1.2.0-beta" }} {{ sprig_semverCompare "*" "1.0.0" }} {{ sprig_semverCompare "=1.2.3" "v1.2.3" }}'],
  ['semverCompare-bad', '{{ sprig_semverCompare "^1.2.0" "not-a-version" }}'],
  ['semverCompare-badc', '{{ sprig_semverCompare "bogus" "1.0.0" }}'],
  ['semver', '{{ $v := sprig_semver "v1.2.3-beta.1+build.5" }}{{ $v }} {{ $v.Major }} {{ $v.Minor }} {{ $v.Patch }} {{ $v.Prerelease }} {{ $v.Metadata }} {{ $v.Original }} {{ sprig_semver "1.2" }} {{ sprig_typeOf $v }}'],
  ['semver-bad', '{{ sprig_semver "x.y" }}'],
]) add(`crypto/${id}`, t, D);
// consul-template style usage with secrets-like data
add('ct/data-pipeline', '{{ range $k, $v := .map }}{{ $k | sprig_upper }}={{ $v | sprig_toString | sprig_quote }};{{ end }}', D);
add('ct/default-chain', '{{ .missing | sprig_default "fallback" | sprig_upper }}', D);
add('ct/undefined-hermetic', '{{ sprig_nope 1 }}');
process.stdout.write(`${JSON.stringify(c, null, 1)}\n`);
