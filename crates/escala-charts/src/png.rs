//! "Export PNG": the dashboard's SVG rasterised by resvg, with the system's fonts.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{fontdb, Options, Tree};

use crate::error::ChartError;

pub(crate) fn rasterise(svg: &str, scale: f32) -> Result<Vec<u8>, ChartError> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(ChartError::BadScale(scale));
    }
    let fonts = fonts();
    if fonts.is_empty() {
        return Err(ChartError::NoFonts);
    }
    let options = Options {
        fontdb: fonts,
        ..Options::default()
    };
    let tree = Tree::from_str(svg, &options)?;
    let size = tree.size();
    let (width, height) = (
        (size.width() * scale).round() as u32,
        (size.height() * scale).round() as u32,
    );
    let mut pixmap =
        Pixmap::new(width, height).ok_or(ChartError::ImageTooLarge { width, height })?;
    resvg::render(
        &tree,
        Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| ChartError::Png(e.to_string()))
}

/// Scanning the system's fonts takes tens of milliseconds: once per process is enough.
fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            // The SVG asks for "sans-serif", which fontdb takes to mean Arial: where Arial is
            // missing (most Linux systems), any sans family present stands in, else any font.
            let sans = [fontdb::Family::SansSerif];
            let query = fontdb::Query {
                families: &sans,
                ..fontdb::Query::default()
            };
            if db.query(&query).is_none() {
                let preferred = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "FreeSans"];
                let present = |name: &str| {
                    db.faces()
                        .any(|f| f.families.iter().any(|(n, _)| n == name))
                };
                let family = preferred
                    .into_iter()
                    .find(|name| present(name))
                    .map(str::to_owned)
                    .or_else(|| {
                        db.faces()
                            .next()
                            .and_then(|f| f.families.first())
                            .map(|(n, _)| n.clone())
                    });
                if let Some(family) = family {
                    db.set_sans_serif_family(family);
                }
            }
            Arc::new(db)
        })
        .clone()
}
