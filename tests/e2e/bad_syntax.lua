-- A script with a syntax error on line 3: gcbench must name file:line and exit 2.
local x = 1
local y = = 2
