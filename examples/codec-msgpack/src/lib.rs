//! A MessagePack codec for lambda-kafka, in a crate of its own: what a third party
//! publishing a codec writes. It depends on `kafka-core` alone and implements its
//! [`Codec`] trait: the output type and `decode`.
//!
//! ```
//! use kafka_core::{Codec, Part, Payload};
//! use kafka_msgpack::MsgPack;
//!
//! // [1, "two"] as MessagePack.
//! let bytes = [0x92, 0x01, 0xa3, b't', b'w', b'o'];
//! let value: (u8, String) = MsgPack::new().decode(Payload::new(&bytes, Part::Value))?;
//! assert_eq!(value, (1, "two".to_owned()));
//! # Ok::<(), kafka_core::DecodeError>(())
//! ```

use std::fmt;
use std::marker::PhantomData;

use kafka_core::{Codec, DecodeError, Payload};
use serde::de::DeserializeOwned;

/// MessagePack keys or values decoded into any serde type `T`.
pub struct MsgPack<T> {
    _output: PhantomData<fn() -> T>,
}

impl<T> MsgPack<T> {
    /// A codec decoding into `T`.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            _output: PhantomData,
        }
    }
}

impl<T> Default for MsgPack<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> fmt::Debug for MsgPack<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MsgPack<{}>", std::any::type_name::<T>())
    }
}

impl<T: DeserializeOwned> Codec for MsgPack<T> {
    type Output = T;

    fn decode(&self, payload: Payload<'_>) -> Result<T, DecodeError> {
        let mut reader = payload.bytes;
        let value = T::deserialize(&mut rmp_serde::Deserializer::new(&mut reader))
            .map_err(|e| DecodeError::from_serde(&e))?;
        // A payload is one value: bytes after it mean it was not the type asked for.
        if reader.is_empty() {
            Ok(value)
        } else {
            Err(DecodeError::new(format!(
                "{} bytes left after the MessagePack value ({} bytes in all)",
                reader.len(),
                payload.bytes.len()
            )))
        }
    }
}
