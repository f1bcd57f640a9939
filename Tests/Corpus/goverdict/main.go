// Command goverdict reads each tar file named on the command line with Go's archive/tar,
// the reference the tar corpus test compares ecr-publish's reader with, and prints one JSON
// object per file: whether Go accepts it, its error if not, and the entries it read.
package main

import (
	"archive/tar"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
)

type entry struct {
	Name     string `json:"name"`
	NameHex  string `json:"name_hex"`
	Linkname string `json:"linkname"`
	Type     string `json:"type"`
	Size     int64  `json:"size"`
	ModTime  int64  `json:"mtime"`
}

type verdict struct {
	File     string  `json:"file"`
	Accepted bool    `json:"accepted"`
	Error    string  `json:"error,omitempty"`
	Entries  []entry `json:"entries"`
}

func read(path string) verdict {
	v := verdict{File: path, Entries: []entry{}}
	f, err := os.Open(path)
	if err != nil {
		v.Error = err.Error()
		return v
	}
	defer f.Close()
	r := tar.NewReader(f)
	for {
		h, err := r.Next()
		if err == io.EOF {
			v.Accepted = true
			return v
		}
		if err != nil {
			v.Error = err.Error()
			return v
		}
		size, err := io.Copy(io.Discard, r)
		if err != nil {
			v.Error = err.Error()
			return v
		}
		v.Entries = append(v.Entries, entry{h.Name, hex.EncodeToString([]byte(h.Name)), h.Linkname, string([]byte{h.Typeflag}), size, h.ModTime.Unix()})
	}
}

func main() {
	out := json.NewEncoder(os.Stdout)
	for _, path := range os.Args[1:] {
		if err := out.Encode(read(path)); err != nil {
			os.Exit(1)
		}
	}
}
