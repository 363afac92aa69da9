# Ruby Liquid side of bench/liquid: parses and renders page.liquid with
# data.json, prints "parse_us render_per_s" and writes the output once.
# Usage: ruby ruby-bench.rb DATA.json OUT.html SECONDS [c]
require 'liquid'
require 'json'
require 'liquid/c' if ARGV[3] == 'c'

class PartialDir
  def initialize(dir) = @dir = dir
  def read_template_file(name)
    path = File.join(@dir, name)
    path += '.liquid' unless File.exist?(path)
    File.read(path)
  end
end

dir = __dir__
Liquid::Template.file_system = PartialDir.new(File.join(dir, 'partials'))
source = File.read(File.join(dir, 'page.liquid'))
data = JSON.parse(File.read(ARGV[0]))
seconds = ARGV[2].to_f

def measure(seconds)
  n = 0
  start = Process.clock_gettime(Process::CLOCK_MONOTONIC)
  loop do
    yield
    n += 1
    elapsed = Process.clock_gettime(Process::CLOCK_MONOTONIC) - start
    return [n, elapsed] if elapsed >= seconds
  end
end

n, t = measure(seconds / 4) { Liquid::Template.parse(source) }
parse_us = t / n * 1e6
template = Liquid::Template.parse(source)
File.write(ARGV[1], template.render!(data))
n, t = measure(seconds) { template.render!(data) }
puts format('%.1f %.1f', parse_us, n / t)
