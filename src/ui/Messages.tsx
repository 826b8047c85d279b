/** The link banner and the error bar: problems the user can act on, stated plainly. */
import { appStore, useApp } from './store';

export function Banner() {
  const banner = useApp((s) => s.banner);
  if (!banner) return null;
  return (
    <div className="banner" role="alert" data-testid="banner">
      <span>{banner}</span>
      <button className="icon" aria-label="dismiss" onClick={() => appStore.setState({ banner: null })}>×</button>
    </div>
  );
}

export function ErrorBar() {
  const error = useApp((s) => s.error);
  const markers = useApp((s) => s.markers);
  if (!error) return null;
  // An import error's range is in the module text, not the tactics: say so.
  const inModule = error.where === 'model.stablehlo';
  const where = error.range && error.range.line > 0
    ? `${inModule ? 'module ' : ''}line ${error.range.line}, column ${error.range.column}`
    : error.where;
  const more = markers.filter((m) => m.severity !== 'warning').length - (error.range && !inModule ? 1 : 0);
  return (
    <div className={error.internal ? 'error-bar internal' : 'error-bar'} role="alert" data-testid="error" data-code={error.code}>
      <strong>{error.internal ? 'Internal error' : 'Error'}</strong>
      {where && <span className="where" data-testid="error-where">{where}</span>}
      <span className="msg">{error.message}</span>
      {more > 0 && <span className="muted small">(+{more} more in the editor)</span>}
    </div>
  );
}
