# gracelint in a container:
#   docker run --rm -v "$PWD:/src" -w /src ghcr.io/gracelint/gracelint .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/gracelint/gracelint/internal/cli.Version=${VERSION}" -o /out/gracelint ./cmd/gracelint

FROM scratch
COPY --from=build /out/gracelint /gracelint
USER 65532:65532
ENTRYPOINT ["/gracelint"]
