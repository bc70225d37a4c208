module sprig-oracle

go 1.19

require github.com/Masterminds/sprig/v3 v3.3.0
