local function helper() error("deliberate failure in the script") end
helper()
