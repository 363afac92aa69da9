#!/usr/bin/env ruby
# Writes tests/core/yaml_cases.h, the expected values of test_yaml.c, by
# asking the oracle: Jekyll 4.3.1's own Utils.safe_load_yaml (Psych 4
# safe_load, Date and Time permitted, aliases on), its front matter regexp
# and has_yaml_header?, and for where a syntax error sits, libyaml itself
# through PyYAML's CSafeLoader (Psych does not expose that mark).
#
#   TZ=Asia/Shanghai ruby tests/core/yaml-oracle.rb > tests/core/yaml_cases.h
#
# The dump is what test_yaml.c prints for a gz_value, with gazette's two
# documented conversions applied: hash keys become their to_s, and Integers
# beyond int64 become the string of their digits.
require "jekyll"
require "tempfile"

# Data that contains itself, which Psych builds for an alias inside its own
# anchor, is "RECURSIVE": gazette refuses it.
def dump(v, open = [])
  return "RECURSIVE" if open.any? { |o| o.equal?(v) }
  case v
  when nil then "nil"
  when Integer then v.bit_length < 64 ? v.to_s : v.to_s.inspect
  when String then v.inspect
  when Array then "[" + v.map { |x| dump(x, open + [v]) }.join(", ") + "]"
  when Hash then "{" + v.map { |k, x| "#{k.to_s.inspect}=>#{dump(x, open + [v])}" }.join(", ") + "}"
  when Date then "Date(#{v.strftime("%Y-%m-%d")})"
  when Time then "Time(#{v.to_i},#{v.nsec},#{v.utc_offset},#{v.utc? ? "UTC" : v.zone || "-"})"
  else v.inspect # true, false, Float
  end
end

def load(yaml)
  d = dump(Jekyll::Utils.safe_load_yaml(yaml))
  d.include?("RECURSIVE") ? "RECURSIVE" : d
rescue StandardError => e
  # NoMethodError's message goes on with error_highlight's picture of
  # Psych's source; its first line is the message.
  "ERROR " + e.message.lines.first.chomp
end

# A C string literal: octal escapes for controls, quotes, "?" (trigraphs)
# and, unless the text is plain UTF-8 without a BOM, every non-ASCII byte.
def c(s)
  u = s.b.force_encoding("UTF-8")
  escape = u.valid_encoding? && !u.include?("\uFEFF") ? /[\\"?\x00-\x1f\x7f]/n : /[\\"?\x00-\x1f\x7f-\xff]/n
  '"' + s.b.gsub(escape) { |ch| format("\\%03o", ch.ord) } + '"'
end

SCALARS = [
  # null and booleans, in every case Psych accepts
  "~", "null", "Null", "NULL", "nUlL", "", "yes", "Yes", "YES", "yEs", "true", "True", "TRUE",
  "on", "On", "ON", "no", "No", "NO", "false", "False", "off", "Off", "OFF", "y", "Y", "n",
  "N", "nul", "nulls", "yes!", "y\n\n  no", "n\n\n  ull", "~\n\n  null", "t\n\n  on",
  # integers
  "0", "12", "+12", "-12", "1_000", "1__000", "1,000", "1,0,0", "1,,0", "010", "0_7", "0_",
  "09", "0o17", "0x1F", "0x1f", "-0x1F", "0x_", "0x", "0xg", "0b101", "-0b101", "0b1,1",
  "0b_", "0b", "0b2", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
  "99999999999999999999", "0x7fffffffffffffff", "0x8000000000000000",
  "0xFFFFFFFFFFFFFFFFFFFF", "-0b1111111111111111111111111111111111111111111111111111111111111111111",
  "0777777777777777777777777", "--1", "1 2",
  # sexagesimal, weighed 3600, 60, 1 from the left
  "1:30", "-1:30", "+1:30", "1:30:15", "00:30", "-0:30", "1_0:30", "1:5", "1:60", "1:2:3:4",
  "190:20:30.15", "1:30.5", "-1:30.5", "1:5.", "1:5._5", "1:2:3.5", "1:2:3:4.5",
  "123456789012345678901234567890:00", "-123456789012345678901234567890:30:15",
  # floats: a point is needed, an exponent needs its sign
  "1.5", "-1.5", "1.", "+1.", ".5", "+.5", "-.5e-3", "1e3", "1.5e3", "1.5e+3", "1.5E-3",
  "1_000.5", "1__0.5", "1,000.5", "1_.5", "1,.5", "1.0e+999", "-0.0", "0.1", "1_000.5e-2_0",
  ".", "-.", "+.", "..", "0.0.0", "1.5e+3_", ".e+3", ".E-1", "1.e+3",
  ".inf", ".Inf", ".INF", "+.inf", "-.inf", "-.Inf", ".iNf", ".nan", ".NaN", ".NAN", "inf", "nan",
  # dates and times
  "2022-02-28", "2022-2-8", "2022-01-1", "2022-001-01", "2022-00-10", "2022-1-00", "2022-02-29",
  "2024-02-29", "1900-02-29", "1600-02-29", "1582-10-15", "1582-10-10", "1582-10-04",
  "0000-01-01", "2022-13-01",
  "2022-02-28 08:32:46 +0800", "2022-02-28 08:32:46 +08:00", "2022-02-28 08:32:46 +08",
  "2022-02-28 08:32:46 +8", "2022-02-28 08:32:46 +8:30", "2022-02-28 08:32:46 -05",
  "2022-02-28 08:32:46   -05", "2022-02-28 08:32:46 -00:30", "2022-02-28 08:32:46 +800",
  "2022-02-28 08:32:46 +23:59", "2022-02-28 08:32:46 -23:59", "2022-02-28 08:32:46 +24:00",
  "2022-02-28 08:32:46 +08:99", "2022-02-28 08:32:46 +00:00", "2022-02-28 08:32:46+0800",
  "2022-02-28T08:32:46Z", "2022-02-28t08:32:46z", "2022-02-28 08:32:46Z", "2022-02-28T08:32:46.123456789Z",
  "2022-02-28 08:32:46.5 +08:00", "2022-02-28 08:32:46.1234567891", "2022-02-28 08:32:46.",
  "2022-02-28 08:32:46", "2022-2-8 8:32:46", "2022-02-28   08:32:46", "2022-02-28t08:32:46",
  "-2022-02-28 08:32:46 +0800", "2022-02-30 00:00:00", "2022-02-31 08:32:46 +0800",
  "2022-02-28 24:00:00", "2022-02-28 24:00:00.5", "2022-02-28 24:00:01", "2022-02-28 24:00:60",
  "2022-02-28 08:32:60", "2022-02-28 08:32:60.5", "2022-02-28 25:00:00", "2022-02-28 23:60:00",
  "2022-12-32 00:00:00", "2022-02-28\t08:32:46", "2022-02-28\t 08:32:46",
  "2022-02-28\t08:32:46 Z", "2022-02-28\t08:32:46 +0800", "2022-02-28 08:32",
  # symbols are a class safe_load refuses; other strings
  ":foo", ":x", "\":foo\"", "':foo'", "foo", "株洲日报新闻", "hello world", "<<", "=", "-", "+",
  "a#b", "2022年2月28日", "1.2.3", "0x1F0G", "12abc", "'12'", "\"true\"", "|\n  yes", ">\n  12",
  "!!str 12", "!!str yes", "!str yes", "!!str", "!!int 1.5", "!!int abc", "!!int \"12\"",
  "!!bool yes", "!!bool abc", "!!null abc", "!!null \"\"", "! 12", "! \"12\"", "!foo 12",
  "!foo \"12\"", "!!timestamp 2022-01-01",
  "!!float 1", "!!float 1.5", "!!float abc", "!!float", "!!float \"\"", "!!float yes",
  "!!float 2022-01-01", "!!float 2022-01-01 00:00:00.5", "!!float \" 12 \"", "!!float 1_000.5",
  "!!float 0x1A", "!!float 1e3", "!!float 99999999999999999999", "!float 1", "!!float \"1__0\"",
  "!!binary aGVsbG8=", "!binary aGk=", "!!binary YWJj\n  ZA", "!!binary \"YQ\"", "!!binary \"Y\"",
  "!!binary \"YW=Jj\"", "!!binary \"Y*W*J*j\"", "!!binary \"YWJjZA==YQ==\"",
  "!ruby/regexp /a/", "!ruby/range 1..2", "!ruby/sym foo", "!ruby/symbol foo",
  "!ruby/class String", "!str:String foo", "!ruby/string:Foo x", "!ruby/object:DateTime 2022-01-01",
  "!ruby/object:BigDecimal 1", "!ruby/object:Date 2022-01-01", "!ruby/object:Complex 1",
  # collections under tags
  "!!set {a: 1}", "!!omap {a: 1}", "!ruby/object:Hash {a: 1}", "!ruby/object {a: 1}",
  "!ruby/object:Foo {a: 1}", "!ruby/struct {a: 1}", "!ruby/struct:Foo {a: 1}", "!foo {a: 1}",
  "!foo [1]", "!!seq [1]", "!seq:Foo [1]", "!ruby/array:Array [1]", "!!map {a: 1}",
  "!ruby/hash:Hash {a: 1}", "!ruby/exception {}", "!ruby/marshalable:Foo {}", "!!set [1]",
  "! {a: 1}", "!!int [1]", "!!float {a: 1}", "!ruby/range {begin: 1}",
]

DOCUMENTS = [
  "", "# only a comment", "---", "---\n", "--- \n...\n", "foo", "--- 12", "- a\n- b",
  "a: 1\nb: [1, 2]\nc: {d: e}", "a:\n  - b\n  -\n    c: d\n",
  "layout: post\ntitle: \"渌口区：加快建设青春渌口、创业新城\"\ndate: 2022-02-28 08:32:46 +0800\n" \
    "categories: zhuzhouribao            # 株洲日报\ntags: 株洲日报新闻\n",
  "a: 1\na: 2\nb: 3", "b: 1\na: 2\nb: 3",
  # keys Psych keeps typed become their to_s
  "1: a\ntrue: b\n~: c\n1.50: d\n2022-01-01: e\n[1, 2]: f\n{a: 1}: g\nyes: h\n0x1F: i",
"? - x\n  - y\n: z", ": v",
  # anchors, aliases and merge keys
  "a: &x 1\nb: *x", "a: &x [1, 2]\nb: *x\nc: *x", "a: &x {k: v}\nb: *x",
  "a: &x 1\na2: &x 2\nb: *x", "a: *nope", "a: &x [*x]", "a: &x {b: *x}",
  "a: 1\n<<: {a: 2, b: 3}\nc: 4",
  "x: &x {a: 1}\ny: &y {b: 2, a: 3}\nz:\n  <<: [*x, *y]\n  c: 5",
  "x: &x {a: 1, b: 2}\nz:\n  b: 9\n  <<: *x\n  c: 3",
  "x: &x 1\nz:\n  <<: *x", "x: &x [1]\nz:\n  <<: *x", "z:\n  <<: [{a: 1}, 2]",
  "z:\n  \"<<\": {a: 1}", "z:\n  '<<': {a: 1}", "z:\n  !!str <<: {a: 1}", "z:\n  !str <<: {a: 1}",
  "z:\n  <<: ", "z:\n  <<: []", "z:\n  <<: [{a: 1}, {a: 2, b: 3}]",
  "k: &k <<\nz:\n  *k : {a: 1}",
  "2022-02-28 09:00:00: a\n2022-02-28 08:32:46 +0800: b\n2022-02-28T08:32:46Z: c\n1e3: d\n.inf: e", "x: &x {a: 1}\n<<: *x\n<<: {a: 2}",
  # more than one document: the first counts, the rest is not even parsed
  "a: 1\n---\nb: 2", "a: 1\n--- [\n", "--- a\n--- b", "a: 1\n...\n--- [",
  # syntax errors, and what Psych raises while building
  "a: b: c", "a:\n  b: 1\n c: 2", "a: \"foo", "a: [1, 2", "- a\nb: c", "a: 1\n  b: 2",
  "a: 'x'y", "a: |\n x\n y\n  - z\nb", "a: :foo\nb: [", "a: 1\nb: :foo\nc: *nope",
  "a: [\n", "{a: 1", "a: b\n\tc: d", "a: @x", "a: `x`", "a: %x", "- - - a\n  - b\n -c",
  "a: \xff", "a: b\n\x01", "\xEF\xBB\xBFa: b\n", "a: b\n\xEF\xBB\xBFc: d", "a:\n- \"\\q\"",
  "%YAML 1.1\n---\na: 1", "%YAML 2.0\n---\na: 1", "%FOO bar\n---\na: 1", "!<tag:x> a",
  "a: !!python/none x", "&a [*a]", "[*a]", "a: &x\n  b: *x",
]

FRONT_MATTER = [
  "---\n---\n", "---\n", "---\na: 1\n---\nbody", "---\na: 1\n...\nbody",
  "---  \r\na: 1\r\n---\r\nbody", "---\na: 1\n---\n\n\n  \nbody\n", "---\na: 1\n--- x\n---\n",
  "---\na: 1\n----\n---\n", "---\n\n\n---\nx", "---\na: 1\n---", "---\na: 1\n---   ",
  "--- \t\v\f\n---\n", "---a\n---\n", " ---\n---\n", "---\r---\n", "---\na\n  ---\n---\nb",
  "\uFEFF---\n---\n", "\uFEFF---\na: 1\n---\nbody", "---\na: 1\n---\r\nbody",
  "---\na: 1\n---\r\r\nbody", "---\na: 1\n---\rbody", "--- \n---\n  \t\n\nx",
  "---\na:\n---b\n---c\n...\nz", "---\n---\n---\n", "---\n\n", "", "no front matter\n",
  "---\na: 1\n---\n  indented\n", "---\nx\n---\n\n", "----\n---\n", "---\na: 1\n\n---\nb\n",
  "---\na: \xff\n---\nx", "hello \xff", "--- # comment\n---\n", "---\n...   \n\n---\n",
]

# Ruby's to_s of times and dates (Jekyll's {{ page.date }}), under TZ=UTC.
TO_S = ["2022-02-28 08:32:46", "2022-02-28 08:32:46Z", "2022-02-28 08:32:46 +0800",
        "2022-02-28 08:32:46 -00:30", "2022-02-28", "2022-02-28 08:32:46.5 +08:00",
        "-2022-02-28 08:32:46 +0800", "0000-01-01"]

HEADERS = ["---\n", "---", "--- \t\r\n", "---\r\n", "---x\n", "\uFEFF---\n", "", " ---\n",
           "---\n---\n", "--- a\n", "---\v\f\n"]

def has_yaml_header(s)
  Tempfile.create("fm") do |f|
    f.binmode
    f.write(s)
    f.close
    Jekyll::Utils.has_yaml_header?(f.path)
  end
end

# libyaml's own problem mark, 1-based, through PyYAML; for an encoding
# error, the line and character column of libyaml's byte offset.
PY = <<~PY
  import sys, yaml
  for line in sys.stdin.buffer:
      text = bytes.fromhex(line.decode().strip())
      try:
          list(yaml.parse(text, Loader=yaml.CSafeLoader))
          print("none")
      except yaml.MarkedYAMLError as e:
          print(e.problem_mark.line + 1, e.problem_mark.column + 1)
      except yaml.reader.ReaderError as e:
          head = text[:e.position]
          last = head[head.rfind(b"\\n") + 1:]
          print(head.count(b"\\n") + 1, len(last.decode("utf-8", "replace")) + 1)
      sys.stdout.flush()
PY

def problem_marks(texts)
  IO.popen(["python3", "-c", PY], "r+") do |io|
    texts.map do |t|
      io.puts t.unpack1("H*")
      io.gets.chomp
    end
  end
end

puts "/* Generated by tests/core/yaml-oracle.rb (TZ=Asia/Shanghai) from Jekyll 4.3.1,"
puts " * Psych #{Psych::VERSION} and libyaml #{Psych::LIBYAML_VERSION}: do not edit. */"
puts "static const yaml_case scalar_cases[] = {"
SCALARS.each { |s| puts "    CASE(#{c(s)}, #{c(load("a: " + s))})," }
puts "};"
puts "static const yaml_case document_cases[] = {"
DOCUMENTS.each { |s| puts "    CASE(#{c(s)}, #{c(load(s))})," }
puts "};"
errors = DOCUMENTS.select { |s| load(s).start_with?("ERROR (<unknown>)") }
puts "/* Where libyaml puts the problem of each syntax error above. */"
puts "static const yaml_mark_case mark_cases[] = {"
errors.zip(problem_marks(errors)).each do |s, m|
  line, col = m.split.map(&:to_i)
  puts "    MARK(#{c(s)}, #{line || 0}, #{col || 0}),"
end
puts "};"
puts "static const fm_case fm_cases[] = {"
FRONT_MATTER.each do |s|
  s = s.b.force_encoding("UTF-8")
  text = s.b.delete_prefix("\xEF\xBB\xBF".b).force_encoding("UTF-8") # File.read, "bom|utf-8"
  begin
    if text =~ Jekyll::Document::YAML_FRONT_MATTER_REGEXP
      line = 1 + text[0, $~.end(0)].count("\n")
      puts "    FM(#{c(s)}, GZ_FM_FOUND, #{c($1)}, #{c($~.post_match)}, #{line}),"
    else
      puts "    FM(#{c(s)}, GZ_FM_NONE, \"\", #{c(text)}, 1),"
    end
  rescue ArgumentError => e
    raise unless e.message == "invalid byte sequence in UTF-8"
    puts "    FM(#{c(s)}, GZ_FM_BAD_UTF8, \"\", #{c(text)}, 1),"
  end
end
puts "};"
ENV["TZ"] = "UTC"
puts "static const yaml_case to_s_cases[] = {"
TO_S.each { |s| puts "    CASE(#{c(s)}, #{c(Jekyll::Utils.safe_load_yaml("a: " + s)["a"].to_s)})," }
puts "};"
puts "static const header_case header_cases[] = {"
HEADERS.each { |s| puts "    HEADER(#{c(s)}, #{has_yaml_header(s)})," }
puts "};"
