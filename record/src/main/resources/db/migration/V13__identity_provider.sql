-- An account created by its holder's first sign-in through an OpenID Connect identity provider (Keycloak) is
-- linked to that person: the token's issuer and subject. Later tokens of the same person find it by these two,
-- whatever the login claim says then. Accounts created by operators have neither.
alter table accounts add column idp_issuer text;
alter table accounts add column idp_subject text;
alter table accounts add constraint accounts_idp_both check ((idp_issuer is null) = (idp_subject is null));
-- one account per person: two first requests of a new user at once cannot create two
create unique index accounts_idp_identity on accounts (idp_issuer, idp_subject);
