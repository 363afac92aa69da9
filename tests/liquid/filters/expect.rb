#!/usr/bin/env ruby
# frozen_string_literal: true
#
# Writes the expected outputs of the filter cases, as Ruby Liquid 5.4.0
# (Debian ruby-liquid) renders them:
#
#   TZ=Asia/Shanghai ruby tests/liquid/filters/expect.rb tests/liquid/filters/*.cases
#
# writes NAME.expected beside each NAME.cases. A case is one line,
# `FILTER<TAB>INPUT<TAB>ARGS[<TAB>KWARGS[<TAB>SITE]]` (JSON: a value, an
# array, objects); it is rendered as `{{ input | FILTER: a0, a1, key: k0 }}`
# with those values as variables, by `render` with line numbers (errors
# inline). Files named jekyll_*.cases render with Jekyll 4.3.1's filters and
# a Jekyll::Site configured with SITE (url, baseurl). An expected line
# escapes \ newline CR tab and NUL as \\ \n \r \t \0. test_filters.c
# renders the same templates.

require 'json'
require 'liquid'
require 'tmpdir'

def template_and_vars(line)
  name, input, args, kwargs = line.split("\t")
  kwargs = nil if kwargs == '{}'
  vars = { 'input' => JSON.parse(input) }
  parts = []
  JSON.parse(args || '[]').each_with_index do |a, i|
    vars["a#{i}"] = a
    parts << "a#{i}"
  end
  JSON.parse(kwargs || '{}').each_with_index do |(k, v), i|
    vars["k#{i}"] = v
    parts << "#{k}: k#{i}"
  end
  ["{{ input | #{name}#{parts.empty? ? '' : ": #{parts.join(', ')}"} }}", vars]
end

def escape(s)
  s.b.gsub(/[\\\n\r\t\0]/) { |c| { '\\' => '\\\\', "\n" => '\n', "\r" => '\r', "\t" => '\t', "\0" => '\0' }[c] }
end

def jekyll_site(config, dir)
  require 'jekyll'
  @sites ||= {}
  @sites[config] ||= Jekyll::Site.new(Jekyll.configuration(
    JSON.parse(config || '{}').merge('quiet' => true, 'source' => dir, 'destination' => "#{dir}/_site")
  ))
end

# Jekyll registers its filters for every template once loaded: Liquid's
# own cases go first.
ARGV.sort_by { |path| File.basename(path).start_with?('jekyll_') ? 1 : 0 }.each do |path|
  jekyll = File.basename(path).start_with?('jekyll_')
  out = Dir.mktmpdir do |dir|
    File.readlines(path, chomp: true).reject(&:empty?).map do |line|
      source, vars = template_and_vars(line)
      registers = jekyll ? { site: jekyll_site(line.split("\t")[4], dir) } : {}
      escape(Liquid::Template.parse(source, line_numbers: true).render(vars, registers: registers))
    end
  end
  File.binwrite(path.sub(/\.cases\z/, '.expected'), out.join("\n") + "\n")
end
