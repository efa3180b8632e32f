//! `impl_audit_store!`: the `AuditStore` of one driver, and `audit_in`, which every audited
//! change (here and in `impl_moderation_store!`) calls inside its own transaction.

macro_rules! impl_audit_store {
    ($store:ident, $db:ty) => {
        const _: () = {
            use time::OffsetDateTime;
            use uuid::Uuid;
            use $crate::storage::moderation::unix_ms;
            use $crate::storage::moderation_audit as m;
            use $crate::storage::moderation_sql as q;
            use $crate::storage::{
                Actor, Article, ArticlePatch, AuditQuery, AuditRow, AuditStore, LexiconRow, NewAudit,
                StoreError, StoreResult,
            };

            type Builder = sqlx::QueryBuilder<$db>;
            type Conn = <$db as sqlx::Database>::Connection;

            impl $store {
                async fn audit_in(
                    conn: &mut Conn,
                    actor: &Actor,
                    now: OffsetDateTime,
                    a: &NewAudit,
                ) -> StoreResult<()> {
                    let json = |v: &Option<serde_json::Value>| v.as_ref().map(serde_json::Value::to_string);
                    sqlx::query(q::AUDIT_INSERT)
                        .bind(Uuid::now_v7())
                        .bind(now)
                        .bind(unix_ms(now))
                        .bind(actor.id)
                        .bind(&actor.name)
                        .bind(&a.action)
                        .bind(&a.site)
                        .bind(a.target_kind)
                        .bind(&a.target_id)
                        .bind(json(&a.before))
                        .bind(json(&a.after))
                        .bind(&a.reason)
                        .bind(&a.note)
                        .execute(&mut *conn)
                        .await?;
                    Ok(())
                }
            }

            #[async_trait::async_trait]
            impl AuditStore for $store {
                async fn audit(&self, a: &AuditQuery) -> StoreResult<Vec<AuditRow>> {
                    let mut b = Builder::new(q::AUDIT_SELECT);
                    if let Some(site) = &a.site {
                        b.push(" AND site = ").push_bind(site.clone());
                    }
                    if let Some(id) = a.actor_id {
                        b.push(" AND actor_id = ").push_bind(id);
                    }
                    if let Some(name) = &a.actor_name {
                        b.push(" AND actor_name = ").push_bind(name.clone());
                    }
                    if let Some(action) = &a.action {
                        b.push(" AND action = ").push_bind(action.clone());
                    }
                    if let Some((kind, id)) = &a.target {
                        b.push(" AND target_kind = ").push_bind(kind.clone());
                        b.push(" AND target_id = ").push_bind(id.clone());
                    }
                    if let Some(ms) = a.since_ms {
                        b.push(" AND at_ms >= ").push_bind(ms);
                    }
                    if let Some(id) = a.before_id {
                        b.push(" AND id < ").push_bind(id);
                    }
                    b.push(" ORDER BY id DESC LIMIT ").push_bind(a.limit.max(0));
                    Ok(b.build_query_as().fetch_all(&self.pool).await?)
                }

                async fn put_article_audited(
                    &self,
                    site: &str,
                    article: &str,
                    patch: &ArticlePatch,
                    actor: &Actor,
                    now: OffsetDateTime,
                ) -> StoreResult<Article> {
                    let mut tx = self.write_tx().await?;
                    let (before, after) = Self::patch_article(&mut *tx, site, article, patch, now).await?;
                    let audit = NewAudit {
                        action: "article.put".into(),
                        site: Some(site.to_string()),
                        target_kind: "article",
                        target_id: article.to_string(),
                        before: Some(m::article_json(&before)),
                        after: Some(m::article_json(&after)),
                        reason: None,
                        note: None,
                    };
                    Self::audit_in(&mut *tx, actor, now, &audit).await?;
                    tx.commit().await?;
                    Ok(after)
                }

                async fn insert_lexicon_entry_audited(
                    &self,
                    r: &LexiconRow,
                    actor: &Actor,
                ) -> StoreResult<()> {
                    let mut tx = self.write_tx().await?;
                    sqlx::query(super::filter::ENTRY_INSERT)
                        .bind(r.id)
                        .bind(&r.site)
                        .bind(&r.term)
                        .bind(&r.lang)
                        .bind(r.allow)
                        .bind(&r.severity)
                        .bind(&r.action)
                        .bind(&r.mode)
                        .bind(&r.morph)
                        .bind(&r.created_by)
                        .bind(r.created_at)
                        .execute(&mut *tx)
                        .await?;
                    let audit = NewAudit {
                        action: "lexicon.add".into(),
                        site: r.site.clone(),
                        target_kind: "lexicon_entry",
                        target_id: r.id.to_string(),
                        before: None,
                        after: Some(m::lexicon_json(r)),
                        reason: None,
                        note: None,
                    };
                    Self::audit_in(&mut *tx, actor, r.created_at, &audit).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn remove_lexicon_entry_audited(
                    &self,
                    id: Uuid,
                    actor: &Actor,
                    now: OffsetDateTime,
                ) -> StoreResult<LexiconRow> {
                    let mut tx = self.write_tx().await?;
                    let row: LexiconRow = sqlx::query_as(super::filter::ENTRY_REMOVE)
                        .bind(id)
                        .bind(&actor.name)
                        .bind(now)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    let audit = NewAudit {
                        action: "lexicon.remove".into(),
                        site: row.site.clone(),
                        target_kind: "lexicon_entry",
                        target_id: row.id.to_string(),
                        before: Some(m::lexicon_json(&row)),
                        after: None,
                        reason: None,
                        note: None,
                    };
                    Self::audit_in(&mut *tx, actor, now, &audit).await?;
                    tx.commit().await?;
                    Ok(row)
                }
            }
        };
    };
}

pub(super) use impl_audit_store;
