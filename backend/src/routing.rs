//! Route helpers: every resource answers an unsupported method with a 405 problem that carries an
//! `Allow` header listing the methods it does support (RFC 9110 §15.5.6), and unknown paths with a 404
//! problem.
//!
//! Resources are declared with [`resource`] and one call per method (`.get(handler)`, `.post(handler)`,
//! …), so the `Allow` list is derived from the routes themselves and cannot drift from them.
use actix_web::{
    FromRequest, Handler, HttpResponse, Resource, Responder, ResponseError,
    dev::{AppService, HttpServiceFactory},
    http::{
        Method,
        header::{self, HeaderValue},
    },
    web,
};

use crate::error::ApiError;

/// A resource under construction: its routes and the methods they answer.
pub struct Endpoint {
    resource: Resource,
    methods: Vec<Method>,
}

pub fn resource(path: &str) -> Endpoint {
    Endpoint {
        resource: web::resource(path),
        methods: Vec::new(),
    }
}

impl Endpoint {
    fn route<F, Args>(mut self, method: Method, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.resource = self.resource.route(web::method(method.clone()).to(handler));
        self.methods.push(method);
        self
    }

    pub fn get<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::GET, handler)
    }

    pub fn post<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::POST, handler)
    }

    pub fn put<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::PUT, handler)
    }

    pub fn patch<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::PATCH, handler)
    }

    pub fn delete<F, Args>(self, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::DELETE, handler)
    }
}

impl HttpServiceFactory for Endpoint {
    fn register(self, config: &mut AppService) {
        let allow = allow_header(&self.methods);
        self.resource
            .default_service(web::to(move || {
                let allow = allow.clone();
                async move { method_not_allowed(allow) }
            }))
            .register(config)
    }
}

/// `GET, PATCH, DELETE`: the methods in declaration order, each once.
fn allow_header(methods: &[Method]) -> HeaderValue {
    let mut names: Vec<&str> = Vec::new();
    for m in methods {
        if !names.contains(&m.as_str()) {
            names.push(m.as_str());
        }
    }
    HeaderValue::from_str(&names.join(", ")).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn method_not_allowed(allow: HeaderValue) -> HttpResponse {
    let mut res = ApiError::MethodNotAllowed.error_response();
    res.headers_mut().insert(header::ALLOW, allow);
    res
}

pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_lists_each_method_once_in_order() {
        let v = allow_header(&[Method::GET, Method::PATCH, Method::GET, Method::DELETE]);
        assert_eq!(v, "GET, PATCH, DELETE");
    }
}
