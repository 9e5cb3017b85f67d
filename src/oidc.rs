//! Pilnvara as an OpenID Connect relying party: the qualified eID confirmation of 22.¹2 (and
//! whatever else asks a provider who someone is).
//!
//! Authorization code flow with PKCE, `state` and `nonce`; `prompt=login` and `max_age=0` so the
//! person authenticates now, with the configured `acr_values`. [`check`] is the one place an ID
//! token is judged: signature against the provider's published keys, issuer, audience, nonce,
//! expiry, freshness and `acr`. It is pure (no I/O), so tests feed it tokens the provider would
//! never issue. What a token proves is kept as evidence: the compact token itself and the key
//! set it was checked against, which [`verify_evidence`] checks again years later, offline.
//!
//! Nothing here logs a token, a code, a nonce or a secret, nor puts one in an error's text.

use std::time::Duration;

use chrono::{DateTime, Utc};
use openidconnect::core::{
    CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreJsonWebKeySet,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AdditionalClaims, AuthenticationContextClass, AuthorizationCode, ClaimsVerificationError,
    ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdToken,
    IdTokenVerifier, IssuerUrl, LogoutRequest, Nonce, OAuth2TokenResponse as _, PkceCodeChallenge,
    PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope,
    TokenResponse as _,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::OidcProvider;
use crate::domain::staff::ProviderKey;

/// How long the provider may take to answer one request before the desk says it is away.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// Clock difference tolerated between us and the provider.
const SKEW_SECONDS: i64 = 60;

/// How old an authentication may be when its token arrives (`max_age=0` asks for a new one).
const FRESH_SECONDS: i64 = 10 * 60;

/// The signature algorithms accepted: every asymmetric one (never `none`, never a shared secret).
const ALGORITHMS: [CoreJwsSigningAlgorithm; 9] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
    CoreJwsSigningAlgorithm::EdDsa,
];

/// Every claim the token carries besides the standard ones (the person's code, say).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OtherClaims(serde_json::Map<String, Value>);

impl AdditionalClaims for OtherClaims {}

/// A client made from discovery: its authorization endpoint is set, its token endpoint may be.
type DiscoveredClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

type Token = IdToken<
    OtherClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// Why a provider's answer was not accepted. Each is audited by its code and shown in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No authentication was started in this session (a replayed, forged or foreign callback).
    NoRequest,
    /// The callback's `state` is not the one this session sent.
    State,
    /// The provider answered with an error (the person cancelled, say).
    Denied,
    /// The provider did not answer, or not as a provider does.
    Unreachable,
    /// The provider refused to exchange the code (used before, expired, not ours).
    Code,
    /// The answer held no ID token, or one that cannot be read.
    Malformed,
    /// Not signed by a key the provider publishes.
    Signature,
    /// Issued by someone else than the configured provider.
    Issuer,
    /// Issued for another client.
    Audience,
    /// Its nonce is not the one this request sent.
    Nonce,
    /// Past its expiry, or issued in the future.
    Expired,
    /// The authentication is not a new one made for this request.
    NotFresh,
    /// The level of assurance is below the configured one.
    Level,
    /// The means used is not on the administrator's list of qualified means.
    Means,
    /// The employee's account is not linked to a person.
    NotLinked,
    /// The person authenticated is not the signed-in employee.
    OtherPerson,
    /// The case moved on while the employee was at the provider.
    CaseChanged,
}

impl Refusal {
    pub const ALL: [Refusal; 17] = [
        Self::NoRequest,
        Self::State,
        Self::Denied,
        Self::Unreachable,
        Self::Code,
        Self::Malformed,
        Self::Signature,
        Self::Issuer,
        Self::Audience,
        Self::Nonce,
        Self::Expired,
        Self::NotFresh,
        Self::Level,
        Self::Means,
        Self::NotLinked,
        Self::OtherPerson,
        Self::CaseChanged,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::NoRequest => "no-request",
            Self::State => "state",
            Self::Denied => "denied",
            Self::Unreachable => "unreachable",
            Self::Code => "code",
            Self::Malformed => "malformed",
            Self::Signature => "signature",
            Self::Issuer => "issuer",
            Self::Audience => "audience",
            Self::Nonce => "nonce",
            Self::Expired => "expired",
            Self::NotFresh => "not-fresh",
            Self::Level => "level",
            Self::Means => "means",
            Self::NotLinked => "not-linked",
            Self::OtherPerson => "other-person",
            Self::CaseChanged => "case-changed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|refusal| refusal.code() == code)
    }
}

/// An authentication request in flight, kept in the server-side session until its callback.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub requested_at: DateTime<Utc>,
}

/// What a checked ID token proves.
#[derive(Debug, Clone, PartialEq)]
pub struct Proof {
    pub issuer: String,
    /// Ours, as the token's audience names it.
    pub client_id: String,
    /// The value of the configured person claim (a subject or a personal code).
    pub person: String,
    pub acr: Option<String>,
    /// The means used, from the configured claim (`amr` by default).
    pub means: Vec<String>,
    pub authenticated_at: DateTime<Utc>,
    /// The compact ID token as the provider signed it.
    pub id_token: String,
    /// The provider's key set the signature was checked against.
    pub jwks: Value,
}

/// What [`check`] expects of a token.
pub struct Expected<'a> {
    pub provider: &'a OidcProvider,
    /// The authentication must be a new one made for this request (`max_age=0`).
    pub fresh: bool,
    pub nonce: &'a str,
    pub requested_at: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

/// A configured provider and the HTTP client that talks to it.
#[derive(Clone)]
pub struct Provider {
    settings: OidcProvider,
    redirect: RedirectUrl,
    http: reqwest::Client,
}

impl Provider {
    /// `redirect` is the callback URL registered with the provider.
    pub fn new(settings: OidcProvider, redirect: &str) -> Result<Self, String> {
        let redirect = RedirectUrl::new(redirect.to_owned()).map_err(|e| e.to_string())?;
        // Never follow a redirect: a provider's endpoint that redirects is misconfigured, and
        // following one could send our request somewhere else (SSRF).
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .connect_timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            settings,
            redirect,
            http,
        })
    }

    pub fn settings(&self) -> &OidcProvider {
        &self.settings
    }

    /// Pilnvara as this provider's client, at the endpoints it has just published.
    fn client(&self, metadata: ProviderMetadataWithLogout) -> DiscoveredClient {
        let secret = ClientSecret::new(self.settings.client_secret.expose().to_owned());
        CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(secret),
        )
        .set_redirect_uri(self.redirect.clone())
    }

    async fn discover(&self) -> Result<ProviderMetadataWithLogout, Refusal> {
        let issuer = IssuerUrl::new(self.settings.issuer.clone()).map_err(|_| Refusal::Issuer)?;
        ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|error| {
                // The error names the step that failed, never a token or a secret.
                tracing::warn!(error = %error_chain(&error), "the OpenID provider did not answer");
                Refusal::Unreachable
            })
    }

    /// Asks the provider where to send the person, at the configured level; `fresh`: for a new
    /// authentication (`prompt=login`, `max_age=0`) whatever session the person has there. The
    /// pending request goes into the caller's session.
    pub async fn begin(
        &self,
        now: DateTime<Utc>,
        fresh: bool,
    ) -> Result<(String, Pending), Refusal> {
        let metadata = self.discover().await?;
        let client = self.client(metadata);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        if fresh {
            request = request
                .add_prompt(CoreAuthPrompt::Login)
                .set_max_age(Duration::ZERO);
        }
        for scope in &self.settings.scopes {
            if scope != "openid" {
                request = request.add_scope(Scope::new(scope.clone()));
            }
        }
        for acr in &self.settings.acr_values {
            request = request.add_auth_context_value(AuthenticationContextClass::new(acr.clone()));
        }
        let (url, state, nonce) = request.url();
        let pending = Pending {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            requested_at: now,
        };
        Ok((url.to_string(), pending))
    }

    /// Where to send the browser at sign-out to end the person's session at the provider too
    /// (RP-initiated logout), coming back to `after`; `None` when the provider offers no such
    /// endpoint or does not answer. Only the client id goes along, never the ID token: the
    /// provider then asks the person to confirm.
    pub async fn logout_url(&self, after: &str) -> Option<String> {
        let metadata = self.discover().await.ok()?;
        let end_session = metadata
            .additional_metadata()
            .end_session_endpoint
            .clone()?;
        let after = PostLogoutRedirectUrl::new(after.to_owned()).ok()?;
        let url = LogoutRequest::from(end_session)
            .set_client_id(ClientId::new(self.settings.client_id.clone()))
            .set_post_logout_redirect_uri(after)
            .http_get_url();
        Some(url.to_string())
    }

    /// Exchanges the callback's code (with this request's PKCE verifier) and checks the ID
    /// token against the key set the provider publishes now.
    pub async fn finish(
        &self,
        pending: &Pending,
        code: &str,
        now: DateTime<Utc>,
        fresh: bool,
    ) -> Result<Proof, Refusal> {
        let metadata = self.discover().await?;
        let jwks = serde_json::to_value(metadata.jwks()).map_err(|_| Refusal::Malformed)?;
        let client = self.client(metadata);
        let exchange = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|_| Refusal::Unreachable)?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()));
        let response = exchange.request_async(&self.http).await.map_err(|error| {
            use openidconnect::RequestTokenError;
            match error {
                RequestTokenError::ServerResponse(_) => Refusal::Code,
                RequestTokenError::Parse(..) => Refusal::Malformed,
                other => {
                    tracing::warn!(error = %error_chain(&other), "the OpenID provider's token endpoint did not answer");
                    Refusal::Unreachable
                }
            }
        })?;
        // The access token is not used: drop it unread.
        let _ = response.access_token();
        let id_token = response.id_token().ok_or(Refusal::Malformed)?.to_string();
        let expected = Expected {
            provider: &self.settings,
            fresh,
            nonce: &pending.nonce,
            requested_at: pending.requested_at,
            now,
        };
        check(&id_token, &jwks, &expected)
    }
}

/// A staff sign-in provider as configured: its key (kept in the session of a sign-in it
/// makes), its button's name, and the provider.
#[derive(Clone)]
pub struct SignInProvider {
    pub key: ProviderKey,
    pub name: Option<String>,
    pub provider: std::sync::Arc<Provider>,
}

impl SignInProvider {
    /// What pages call it: its configured name, else its key; `None` for the default provider
    /// without a name ("the municipality's account").
    pub fn display_name(&self) -> Option<&str> {
        match &self.name {
            Some(name) => Some(name),
            None if self.key.as_str() == ProviderKey::DEFAULT => None,
            None => Some(self.key.as_str()),
        }
    }
}

/// The configured providers: the qualified eID one of 22.¹2, and staff sign-in's.
#[derive(Clone, Default)]
pub struct Providers {
    pub eid: Option<std::sync::Arc<Provider>>,
    /// In the order configured; keys are unique.
    pub sign_in: Vec<SignInProvider>,
}

impl Providers {
    /// The providers the configuration names (none talks to anyone yet).
    pub fn from_config(config: &crate::config::Config) -> anyhow::Result<Self> {
        let make = |settings: &OidcProvider, redirect: Option<String>, variable: &str| {
            let redirect = redirect.ok_or_else(|| anyhow::anyhow!("PILNVARA_PUBLIC_URL: unset"))?;
            Provider::new(settings.clone(), &redirect)
                .map(std::sync::Arc::new)
                .map_err(|error| anyhow::anyhow!("{variable}: {error}"))
        };
        let eid = config
            .eid
            .as_ref()
            .map(|settings| make(settings, config.eid_redirect_uri(), "PILNVARA_EID_ISSUER"))
            .transpose()?;
        let sign_in = config
            .sign_in_providers
            .iter()
            .map(|configured| {
                let variable = match configured.key.as_str() {
                    ProviderKey::DEFAULT => "PILNVARA_OIDC_ISSUER".to_owned(),
                    key => format!("PILNVARA_OIDC_{}_ISSUER", key.to_ascii_uppercase()),
                };
                let provider = make(
                    &configured.settings,
                    config.sign_in_redirect_uri(),
                    &variable,
                )?;
                Ok(SignInProvider {
                    key: configured.key.clone(),
                    name: configured.name.clone(),
                    provider,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Self { eid, sign_in })
    }

    /// The sign-in provider with `key`, if one is configured.
    pub fn sign_in_by_key(&self, key: &str) -> Option<&SignInProvider> {
        self.sign_in
            .iter()
            .find(|provider| provider.key.as_str() == key)
    }
}

/// An error and its sources in one line, for a log (they name endpoints and causes only).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn key_set(jwks: &Value) -> Result<CoreJsonWebKeySet, Refusal> {
    serde_json::from_value(jwks.clone()).map_err(|_| Refusal::Malformed)
}

fn verifier<'a>(
    provider: &'a OidcProvider,
    keys: CoreJsonWebKeySet,
    now: DateTime<Utc>,
) -> Result<IdTokenVerifier<'a, openidconnect::core::CoreJsonWebKey>, Refusal> {
    let issuer = IssuerUrl::new(provider.issuer.clone()).map_err(|_| Refusal::Issuer)?;
    // A public client's verifier: tokens signed with the client secret (HS256) are never taken.
    Ok(
        IdTokenVerifier::new_public_client(ClientId::new(provider.client_id.clone()), issuer, keys)
            .set_allowed_algs(ALGORITHMS)
            .set_time_fn(move || now),
    )
}

fn refusal_of(error: &ClaimsVerificationError) -> Refusal {
    match error {
        ClaimsVerificationError::Expired(_) => Refusal::Expired,
        ClaimsVerificationError::InvalidAudience(_) => Refusal::Audience,
        ClaimsVerificationError::InvalidIssuer(_) => Refusal::Issuer,
        ClaimsVerificationError::InvalidNonce(_) => Refusal::Nonce,
        ClaimsVerificationError::InvalidAuthContext(_) => Refusal::Level,
        ClaimsVerificationError::InvalidAuthTime(_) => Refusal::NotFresh,
        ClaimsVerificationError::SignatureVerification(_) => Refusal::Signature,
        _ => Refusal::Malformed,
    }
}

/// Judges an ID token (compact JWS) against the provider's key set `jwks` as published now:
/// signature, issuer, audience, nonce, expiry, issue time, that the authentication happened
/// for this request (`max_age=0`), and its `acr`. The means and the person are the caller's to
/// match against the database; they come back in the [`Proof`].
pub fn check(id_token: &str, jwks: &Value, expected: &Expected<'_>) -> Result<Proof, Refusal> {
    let provider = expected.provider;
    let token: Token = id_token.parse().map_err(|_| Refusal::Malformed)?;
    let now = expected.now;
    let verifier =
        verifier(provider, key_set(jwks)?, now)?.set_issue_time_verifier_fn(move |iat| {
            let drift = (iat - now).num_seconds();
            if drift > SKEW_SECONDS || -drift > FRESH_SECONDS {
                Err("issued at another time".into())
            } else {
                Ok(())
            }
        });
    let nonce = Nonce::new(expected.nonce.to_owned());
    let claims = token
        .claims(&verifier, &nonce)
        .map_err(|error| match error {
            // The library reads a bad `iat` as "other"; it is the token's time that is wrong.
            ClaimsVerificationError::Other(_) => Refusal::Expired,
            error => refusal_of(&error),
        })?;
    let authenticated_at = match claims.auth_time() {
        Some(at) => at,
        None if !expected.fresh => claims.issue_time(),
        None => return Err(Refusal::NotFresh),
    };
    let earliest = expected.requested_at - chrono::Duration::seconds(SKEW_SECONDS);
    if expected.fresh
        && (authenticated_at < earliest
            || authenticated_at > now + chrono::Duration::seconds(SKEW_SECONDS))
    {
        return Err(Refusal::NotFresh);
    }
    let acr = claims.auth_context_ref().map(|acr| acr.as_str().to_owned());
    if !provider.acr_values.is_empty()
        && !acr
            .as_ref()
            .is_some_and(|acr| provider.acr_values.iter().any(|wanted| wanted == acr))
    {
        return Err(Refusal::Level);
    }
    let other = &claims.additional_claims().0;
    let person = match provider.person_claim.as_str() {
        "sub" => Some(claims.subject().as_str().to_owned()),
        name => other.get(name).and_then(claim_text),
    }
    .ok_or(Refusal::NotLinked)?;
    let means = match provider.means_claim.as_str() {
        "amr" => claims
            .auth_method_refs()
            .map(|refs| refs.iter().map(|m| m.as_str().to_owned()).collect())
            .unwrap_or_default(),
        name => match other.get(name) {
            Some(Value::Array(values)) => values.iter().filter_map(claim_text).collect(),
            Some(value) => claim_text(value).into_iter().collect(),
            None => Vec::new(),
        },
    };
    Ok(Proof {
        issuer: claims.issuer().as_str().to_owned(),
        client_id: provider.client_id.clone(),
        person,
        acr,
        means,
        authenticated_at,
        id_token: id_token.to_owned(),
        jwks: jwks.clone(),
    })
}

fn claim_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Checks kept evidence offline: `id_token` is signed by a key of `jwks` and was issued by
/// `issuer` for `client_id`. Its time is judged as it was when issued (it has long expired).
pub fn verify_evidence(
    id_token: &str,
    jwks: &Value,
    issuer: &str,
    client_id: &str,
) -> Result<(), Refusal> {
    let token: Token = id_token.parse().map_err(|_| Refusal::Malformed)?;
    let keys = key_set(jwks)?;
    let issuer = IssuerUrl::new(issuer.to_owned()).map_err(|_| Refusal::Issuer)?;
    // First the signature alone, unverified claims read only to learn when it was issued.
    let unverified: IdTokenVerifier<openidconnect::core::CoreJsonWebKey> =
        IdTokenVerifier::new_insecure_without_verification()
            .set_time_fn(|| DateTime::<Utc>::MIN_UTC);
    let issued = token
        .claims(&unverified, |_: Option<&Nonce>| Ok(()))
        .map_err(|error| refusal_of(&error))?
        .issue_time();
    let verifier =
        IdTokenVerifier::new_public_client(ClientId::new(client_id.to_owned()), issuer, keys)
            .set_allowed_algs(ALGORITHMS)
            .set_time_fn(move || issued);
    token
        .claims(&verifier, |_: Option<&Nonce>| Ok(()))
        .map(|_| ())
        .map_err(|error| refusal_of(&error))
}
