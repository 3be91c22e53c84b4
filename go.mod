module github.com/redwingdb/redwing

go 1.26.8
