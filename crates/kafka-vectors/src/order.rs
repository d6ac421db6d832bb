//! The vectors' order (`schemas/order.schema.json`, `order.avsc`) as serde types.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// An order as its JSON has it; unknown fields are refused, so that a decoding that
/// drops one fails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Order {
    pub order_id: String,
    /// Often above 2^32.
    pub customer_id: i64,
    pub total: f64,
    pub quantity: i32,
    pub gift_wrap: bool,
    pub status: Status,
    pub shipping_address: Address,
    pub items: Vec<LineItem>,
    pub tags: BTreeMap<String, String>,
    pub note: Option<String>,
    /// Epoch milliseconds.
    pub created_at: i64,
    /// 16 bytes, as base64 text.
    pub checksum: String,
}

/// Order status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)]
pub enum Status {
    Pending,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Address {
    pub street: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct LineItem {
    pub sku: String,
    pub quantity: i32,
    pub unit_price: f64,
}

impl Order {
    /// One order with every kind of field set: a big customer id, a line item, a tag.
    #[must_use]
    pub fn sample() -> Self {
        Self {
            order_id: "ORD-1".into(),
            customer_id: 1 << 40,
            total: 12.5,
            quantity: 2,
            gift_wrap: false,
            status: Status::Paid,
            shipping_address: Address {
                street: "1 Main St".into(),
                city: "Seattle".into(),
                postal_code: "98101".into(),
                country: "US".into(),
            },
            items: vec![LineItem {
                sku: "SKU-1".into(),
                quantity: 2,
                unit_price: 6.25,
            }],
            tags: BTreeMap::from([("channel".into(), "web".into())]),
            note: None,
            created_at: 1_735_689_600_000,
            checksum: STANDARD.encode([7; 16]),
        }
    }
}

/// An order as Avro reads it: the checksum is a 16-byte `fixed`. Named like the schema's
/// record, as apache-avro's own serde deserializer requires (lambda-kafka does not).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename = "Order")]
#[allow(missing_docs)]
pub struct AvroOrder {
    pub order_id: String,
    pub customer_id: i64,
    pub total: f64,
    pub quantity: i32,
    pub gift_wrap: bool,
    pub status: Status,
    pub shipping_address: Address,
    pub items: Vec<LineItem>,
    pub tags: BTreeMap<String, String>,
    pub note: Option<String>,
    pub created_at: i64,
    pub checksum: serde_bytes::ByteBuf,
}

impl From<Order> for AvroOrder {
    fn from(order: Order) -> Self {
        Self {
            checksum: serde_bytes::ByteBuf::from(
                STANDARD.decode(&order.checksum).unwrap_or_default(),
            ),
            order_id: order.order_id,
            customer_id: order.customer_id,
            total: order.total,
            quantity: order.quantity,
            gift_wrap: order.gift_wrap,
            status: order.status,
            shipping_address: order.shipping_address,
            items: order.items,
            tags: order.tags,
            note: order.note,
            created_at: order.created_at,
        }
    }
}
