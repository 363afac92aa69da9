// LiquidJS side of bench/liquid: same contract as ruby-bench.rb.
// Usage: node liquidjs-bench.js DATA.json OUT.html SECONDS
const fs = require('fs');
const path = require('path');
const { Liquid } = require(process.env.LIQUIDJS || 'liquidjs');

const [dataFile, outFile, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const engine = new Liquid({ root: path.join(__dirname, 'partials'), extname: '.liquid', cache: true, preserveTimezones: true });
const source = fs.readFileSync(path.join(__dirname, 'page.liquid'), 'utf8');
const data = JSON.parse(fs.readFileSync(dataFile, 'utf8'));

function measure(secs, fn) {
  let n = 0;
  const start = process.hrtime.bigint();
  for (;;) {
    fn();
    n++;
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    if (elapsed >= secs) return [n, elapsed];
  }
}

let [n, t] = measure(seconds / 4, () => engine.parse(source));
const parseUs = (t / n) * 1e6;
const template = engine.parse(source);
fs.writeFileSync(outFile, engine.renderSync(template, data));
[n, t] = measure(seconds, () => engine.renderSync(template, data));
console.log(`${parseUs.toFixed(1)} ${(n / t).toFixed(1)}`);
