//! Prost types of the vectors' `order.proto` (package `orders.v1`), derived by hand.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// `orders.v1.Order`.
#[derive(Clone, PartialEq, prost::Message)]
#[allow(missing_docs)]
pub struct Order {
    #[prost(string, tag = "1")]
    pub order_id: String,
    #[prost(int64, tag = "2")]
    pub customer_id: i64,
    #[prost(double, tag = "3")]
    pub total: f64,
    #[prost(int32, tag = "4")]
    pub quantity: i32,
    #[prost(bool, tag = "5")]
    pub gift_wrap: bool,
    #[prost(enumeration = "OrderStatus", tag = "6")]
    pub status: i32,
    #[prost(message, optional, tag = "7")]
    pub shipping_address: Option<Address>,
    #[prost(message, repeated, tag = "8")]
    pub items: Vec<LineItem>,
    #[prost(map = "string, string", tag = "9")]
    pub tags: std::collections::HashMap<String, String>,
    #[prost(string, optional, tag = "10")]
    pub note: Option<String>,
    #[prost(int64, tag = "11")]
    pub created_at: i64,
    #[prost(bytes = "vec", tag = "12")]
    pub checksum: Vec<u8>,
}

/// `orders.v1.Address`.
#[derive(Clone, PartialEq, prost::Message)]
#[allow(missing_docs)]
pub struct Address {
    #[prost(string, tag = "1")]
    pub street: String,
    #[prost(string, tag = "2")]
    pub city: String,
    #[prost(string, tag = "3")]
    pub postal_code: String,
    #[prost(string, tag = "4")]
    pub country: String,
}

/// `orders.v1.LineItem`.
#[derive(Clone, PartialEq, prost::Message)]
#[allow(missing_docs)]
pub struct LineItem {
    #[prost(string, tag = "1")]
    pub sku: String,
    #[prost(int32, tag = "2")]
    pub quantity: i32,
    #[prost(double, tag = "3")]
    pub unit_price: f64,
}

/// `orders.v1.OrderStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
#[allow(missing_docs)]
pub enum OrderStatus {
    Pending = 0,
    Paid = 1,
    Shipped = 2,
    Delivered = 3,
    Cancelled = 4,
}

impl From<super::Order> for Order {
    fn from(order: super::Order) -> Self {
        Self {
            checksum: STANDARD.decode(&order.checksum).unwrap_or_default(),
            order_id: order.order_id,
            customer_id: order.customer_id,
            total: order.total,
            quantity: order.quantity,
            gift_wrap: order.gift_wrap,
            status: order.status as i32,
            shipping_address: Some(Address {
                street: order.shipping_address.street,
                city: order.shipping_address.city,
                postal_code: order.shipping_address.postal_code,
                country: order.shipping_address.country,
            }),
            items: order
                .items
                .into_iter()
                .map(|i| LineItem {
                    sku: i.sku,
                    quantity: i.quantity,
                    unit_price: i.unit_price,
                })
                .collect(),
            tags: order.tags.into_iter().collect(),
            note: order.note,
            created_at: order.created_at,
        }
    }
}
