# Converts stdin as Jekyll 4.3.1 runs kramdown 2.4 (GFM input, Jekyll's options,
# including the syntax_highlighter_opts KramdownParser#setup adds for Rouge).
require 'kramdown'
require 'kramdown-parser-gfm'
opts = {"auto_ids"=>true,"toc_levels"=>(1..6).to_a,"entity_output"=>"as_char","smart_quotes"=>"lsquo,rsquo,ldquo,rdquo","input"=>"GFM","hard_wrap"=>false,"guess_lang"=>true,"footnote_nr"=>1,"show_warnings"=>false, "syntax_highlighter"=>"rouge",
        "syntax_highlighter_opts"=>{"default_lang"=>"plaintext","guess_lang"=>true}}
o = {}; opts.each{|k,v| o[k.to_sym]=v}
print Kramdown::Document.new(STDIN.read, o).to_html
