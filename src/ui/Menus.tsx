/** The examples menu (the paper's gallery), in the header. The export menu is src/ui/export/ExportMenu.tsx. */
import { GALLERY, galleryEntry } from '../core/models/gallery';
import { PIPELINE_GALLERY } from '../core/mpmd/gallery';
import { validateConfig } from '../core/io/validate';
import { DEFAULT_CONFIG } from './defaultConfig';
import { appStore, replaceDoc } from './store';

export function ExamplesMenu() {
  return (
    <select data-testid="examples" aria-label="open an example" value=""
      title="Open an example: the default, or a model and strategy from the PartIR paper's evaluation"
      onChange={(e) => {
        const id = e.target.value;
        const config = id === 'default' ? DEFAULT_CONFIG : galleryEntry(id)?.config;
        if (!config) return;
        try {
          replaceDoc(validateConfig(config));
        } catch (err) {
          appStore.setState({ banner: `Could not open the example: ${err instanceof Error ? err.message : String(err)}` });
        }
      }}>
      <option value="" disabled>Examples…</option>
      <option value="default">Small transformer · BP+MP (default)</option>
      <optgroup label="PartIR paper (32-chip TPU v4 slice)">
        {GALLERY.map((g) => <option key={g.id} value={g.id}>{g.title}</option>)}
      </optgroup>
      <optgroup label="Published pipelined runs">
        {PIPELINE_GALLERY.map((g) => <option key={g.id} value={g.id}>{g.title}</option>)}
      </optgroup>
    </select>
  );
}
