//! The wire parsers: each framing valid, truncated, malformed; message-index paths; zlib
//! limits.

use crate::testing::wire::{
    confluent, confluent_protobuf, glue, glue_index, glue_protobuf, message_indexes, zlib,
};
use crate::wire::{
    DEFAULT_MAX_DECOMPRESSED, MAX_MESSAGE_INDEXES, decompress_zlib, parse_confluent, parse_glue,
    parse_glue_index, parse_message_indexes,
};
use uuid::Uuid;

use crate::framing::Compression;

const VERSION: Uuid = Uuid::from_u128(0x5a4b_1e2c_0d3f_4a5b_8c7d_9e0f_1a2b_3c4d);

#[test]
fn confluent_header() {
    let framed = confluent(0x0102_0304, b"{}");
    assert_eq!(framed[..5], [0x00, 0x01, 0x02, 0x03, 0x04]);
    let (id, rest) = parse_confluent(&framed).unwrap();
    assert_eq!((id, rest), (0x0102_0304, &b"{}"[..]));
    // An empty payload after the header is still a header.
    assert_eq!(parse_confluent(&confluent(9, b"")).unwrap(), (9, &b""[..]));
}

#[test]
fn confluent_header_truncated_at_every_byte() {
    let framed = confluent(3, b"");
    let err = parse_confluent(&framed[..0]).unwrap_err();
    assert_eq!(
        err.message(),
        "expected a Confluent header (0x00 and a 4-byte schema id), found an empty payload"
    );
    for len in 1..5 {
        let err = parse_confluent(&framed[..len]).unwrap_err();
        assert_eq!(
            err.message(),
            format!(
                "expected a Confluent header (0x00 and a 4-byte schema id), found only {len} bytes"
            )
        );
    }
}

#[test]
fn confluent_wrong_magic() {
    let err = parse_confluent(b"{\"a\":1}").unwrap_err();
    assert_eq!(
        err.message(),
        "expected a Confluent header (magic byte 0x00), found first byte 0x7b"
    );
}

#[test]
fn glue_header() {
    for compression in [Compression::None, Compression::Zlib] {
        let framed = glue(VERSION, b"payload", compression);
        let (header, rest) = parse_glue(&framed).unwrap();
        assert_eq!(header.schema_version, VERSION);
        assert_eq!(header.compression, compression);
        if compression == Compression::None {
            assert_eq!(rest, b"payload");
        } else {
            let mut out = Vec::new();
            decompress_zlib(rest, DEFAULT_MAX_DECOMPRESSED, &mut out).unwrap();
            assert_eq!(out, b"payload");
        }
    }
    // RFC 4122 byte order: the UUID's bytes as written.
    let framed = glue(VERSION, b"", Compression::None);
    assert_eq!(&framed[2..18], VERSION.as_bytes());
}

#[test]
fn glue_header_truncated_at_every_byte() {
    let framed = glue(VERSION, b"", Compression::None);
    assert_eq!(
        parse_glue(&framed[..0]).unwrap_err().message(),
        "expected an AWS Glue header (0x03, compression, 16-byte UUID), found an empty payload"
    );
    for len in 1..18 {
        assert_eq!(
            parse_glue(&framed[..len]).unwrap_err().message(),
            format!("expected an AWS Glue header of 18 bytes, found only {len}")
        );
    }
    assert!(parse_glue(&framed).is_ok());
}

#[test]
fn glue_wrong_version_and_unknown_compression() {
    let mut framed = glue(VERSION, b"x", Compression::None);
    framed[0] = 0x02;
    assert_eq!(
        parse_glue(&framed).unwrap_err().message(),
        "expected an AWS Glue header (version byte 0x03), found first byte 0x02"
    );
    framed[0] = 0x03;
    framed[1] = 0x01;
    assert_eq!(
        parse_glue(&framed).unwrap_err().message(),
        "unknown AWS Glue compression byte 0x01 (expected 0x00 none or 0x05 zlib)"
    );
}

#[test]
fn corrupt_zlib() {
    let mut stream = zlib(b"hello hello hello");
    let last = stream.len() - 1;
    stream[last] ^= 0xff; // the Adler-32 checksum
    let err = decompress_zlib(&stream, 1024, &mut Vec::new()).unwrap_err();
    assert!(
        err.message().starts_with(&format!(
            "corrupt zlib stream in an AWS Glue payload ({} compressed bytes): ",
            stream.len()
        )),
        "{}",
        err.message()
    );
    let err = decompress_zlib(b"not zlib at all", 1024, &mut Vec::new()).unwrap_err();
    assert!(
        err.message().starts_with("corrupt zlib stream"),
        "{}",
        err.message()
    );
    let err = decompress_zlib(&stream[..stream.len() / 2], 1024, &mut Vec::new()).unwrap_err();
    assert!(
        err.message().starts_with("corrupt zlib stream"),
        "{}",
        err.message()
    );
}

#[test]
fn zlib_bomb_is_refused_without_allocating_past_the_limit() {
    let bomb = zlib(&vec![0u8; 64 << 20]); // 64 MiB of zeros in about 64 KB
    assert!(bomb.len() < 100_000);
    let limit = 1 << 20;
    let mut out = Vec::new();
    let err = decompress_zlib(&bomb, limit, &mut out).unwrap_err();
    assert_eq!(
        err.message(),
        format!(
            "AWS Glue payload inflates to more than the limit of 1048576 bytes ({} compressed bytes)",
            bomb.len()
        )
    );
    assert!(out.capacity() <= limit, "capacity {}", out.capacity());
    // Exactly the limit is accepted.
    let exact = zlib(&vec![7u8; limit]);
    decompress_zlib(&exact, limit, &mut out).unwrap();
    assert_eq!(out.len(), limit);
}

#[test]
fn message_index_paths_round_trip() {
    let cases: [(&[u32], &[u8]); 6] = [
        (&[0], &[0x00]),
        (&[1], &[0x02, 0x02]),
        (&[3], &[0x02, 0x06]),
        (&[1, 0], &[0x04, 0x02, 0x00]),
        (&[64], &[0x02, 0x80, 0x01]),
        (&[300, 2], &[0x04, 0xd8, 0x04, 0x04]),
    ];
    for (path, bytes) in cases {
        let written = message_indexes(path);
        assert_eq!(written, bytes, "{path:?}");
        let mut with_message = written.clone();
        with_message.extend_from_slice(b"\x08\x01");
        let (parsed, rest) = parse_message_indexes(&with_message).unwrap();
        assert_eq!(parsed.as_slice(), path);
        assert_eq!(rest, b"\x08\x01");
    }
    // A count of one with index 0 is `[0]` written the long way.
    let (parsed, _) = parse_message_indexes(&[0x02, 0x00]).unwrap();
    assert_eq!(parsed.as_slice(), [0]);
}

#[test]
fn legacy_non_zigzag_path_is_not_misread() {
    // `[1, 0]` written with plain varints: count 2, then 1, 0. Read as zigzag, the count
    // is 1 and the index -1: refused, not taken for another message.
    let err = parse_message_indexes(&[0x02, 0x01, 0x00]).unwrap_err();
    assert_eq!(
        err.message(),
        "message index 0 of 1 is negative (-1): not a zigzag-encoded message-index path \
         (a path written without zigzag encoding reads this way)"
    );
    let err = parse_message_indexes(&[0x01]).unwrap_err();
    assert!(
        err.message()
            .starts_with("message-index count is negative (-1)"),
        "{}",
        err.message()
    );
}

#[test]
fn garbage_in_an_index_path() {
    // Count 3, one index, then nothing.
    let err = parse_message_indexes(&[0x06, 0x02]).unwrap_err();
    assert_eq!(err.message(), "message index 1 of 3: truncated varint");
    // A varint that never ends.
    let err = parse_message_indexes(&[0x04, 0xff, 0xff]).unwrap_err();
    assert_eq!(err.message(), "message index 0 of 2: truncated varint");
    let err = parse_message_indexes(&[0xff; 12]).unwrap_err();
    assert_eq!(
        err.message(),
        "message-index count: varint longer than 64 bits"
    );
    // A count above the bound.
    let err = parse_message_indexes(&message_indexes(&[0; MAX_MESSAGE_INDEXES + 1])).unwrap_err();
    assert_eq!(
        err.message(),
        "message-index count 65 is above the limit of 64"
    );
    // An index beyond i32.
    let mut big = vec![0x02];
    big.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x10]); // zigzag of 2^31
    let err = parse_message_indexes(&big).unwrap_err();
    assert_eq!(
        err.message(),
        "message index 0 of 1 2147483648 is beyond the i32 range"
    );
    assert!(parse_message_indexes(&[]).is_err());
}

#[test]
fn glue_index_round_trips() {
    for index in [0, 1, 2, 127, 128, 300, u32::MAX] {
        let mut bytes = glue_index(index);
        bytes.push(0x08);
        assert_eq!(parse_glue_index(&bytes).unwrap(), (index, &[0x08][..]));
    }
    assert_eq!(
        parse_glue_index(&[0x80]).unwrap_err().message(),
        "Glue message index: truncated varint"
    );
    let too_big = [0x80, 0x80, 0x80, 0x80, 0x10];
    assert_eq!(
        parse_glue_index(&too_big).unwrap_err().message(),
        "Glue message index 4294967296 is beyond the u32 range"
    );
    let framed = glue_protobuf(VERSION, 2, b"\x08\x01", Compression::None);
    let (_, rest) = parse_glue(&framed).unwrap();
    assert_eq!(parse_glue_index(rest).unwrap(), (2, &b"\x08\x01"[..]));
    assert_eq!(confluent_protobuf(2, &[0], b"m"), [0, 0, 0, 0, 2, 0, b'm']);
}
