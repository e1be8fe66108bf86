import { useEffect } from 'react';
import { AlgorithmPanel } from './components/AlgorithmPanel';
import { BackendPanel } from './components/BackendPanel';
import { ChartsPanel } from './components/ChartsPanel';
import { DatasetPanel } from './components/DatasetPanel';
import { DatasetInspector } from './components/dataset/DatasetInspector';
import { EnvironmentPanel } from './components/EnvironmentPanel';
import { Header } from './components/Header';
import { QSlicePanel } from './components/inspect/QSlicePanel';
import { ValueMapPanel } from './components/inspect/ValueMapPanel';
import { TabularPanel } from './components/TabularPanel';
import { RolloutPanel } from './components/RolloutPanel';
import { RunControls } from './components/RunControls';
import { CompareControls } from './components/runs/CompareControls';
import { ScoreSummary } from './components/runs/ScoreSummary';
import { PbtPanel } from './components/pbt/PbtPanel';
import { RunList } from './components/runs/RunList';
import { SweepPanel } from './components/sweeps/SweepPanel';
import { LinkRunsOffer } from './components/share/LinkRunsOffer';
import { initLab } from './store/actions';
import { useLab } from './store/labStore';
import { useMediaQuery } from './useMediaQuery';
import './layout.css';
import './presentation.css';
import { ChartLookContext, type ChartLook } from './charts/chartLook';

/** Chart text on a screen, and from the back of a lecture hall (ticks ≥ 14 px). */
const SCREEN_CHARTS: ChartLook = { font: 11 };
const PRESENTED_CHARTS: ChartLook = { font: 15 };

/** Panels presentation mode leaves out: a lecture needs the run, its settings, the curves and the replay. */
const NOT_PRESENTED = ['environment', 'backend', 'runs', 'sweeps', 'pbt', 'inspector'];
/** Below this width the page is one column (layout.css uses the same width). */
const NARROW = '(max-width: 749.98px)';

/**
 * Wide: the run controls, algorithm and its live settings in a column beside the charts, each column scrolling on its
 * own. Narrow: one column, run controls, then charts, then settings; the order on screen is the order of the keyboard
 * focus in both.
 */
export function App() {
  const ready = useLab((s) => s.catalog !== null && s.datasetId !== null);
  const error = useLab((s) => s.datasetError);
  const hidden = useLab((s) => s.hiddenControls);
  const presentation = useLab((s) => s.presentation);
  const narrow = useMediaQuery(NARROW);
  // Panels a shared link hid for a lesson (the Share button's "show hidden controls" brings them back).
  const shown = (panel: string) => !hidden.includes(panel) && !(presentation && NOT_PRESENTED.includes(panel));
  useEffect(() => {
    initLab().catch((e: unknown) => useLab.setState({ datasetError: `The lab could not start: ${e instanceof Error ? e.message : String(e)}` }));
  }, []);

  const settings = (
    <>
      {shown('algorithm') && <AlgorithmPanel />}
      {shown('environment') && <EnvironmentPanel />}
      {shown('dataset') && <DatasetPanel />}
      {shown('backend') && <BackendPanel />}
    </>
  );
  const charts = (
    <>
      {!ready && !error && <p className="loading">Preparing the built-in datasets…</p>}
      <LinkRunsOffer />
      <ChartsPanel />
      {shown('compare') && <CompareControls />}
    </>
  );
  const rest = (
    <>
      {shown('runs') && <RunList />}
      <ScoreSummary />
      {shown('replay') && <RolloutPanel />}
      {shown('valuemap') && <ValueMapPanel />}
      {shown('valuemap') && <QSlicePanel />}
      {shown('tabular') && <TabularPanel />}
      {shown('sweeps') && <SweepPanel />}
      {shown('pbt') && <PbtPanel />}
      {shown('inspector') && <DatasetInspector />}
    </>
  );

  return (
    <ChartLookContext.Provider value={presentation ? PRESENTED_CHARTS : SCREEN_CHARTS}>
      <div className={`lab ${narrow ? 'narrow' : 'wide'}${presentation ? ' presentation' : ''}`} data-ready={ready} data-presentation={presentation}>
        <Header />
        {narrow ? (
          <main className="layout narrow">
            <RunControls />
            {charts}
            {settings}
            {rest}
          </main>
        ) : (
          <main className="layout">
            <aside className="controls-column" aria-label="run controls and settings">
              <RunControls />
              {settings}
            </aside>
            <div className="main">
              {charts}
              {rest}
            </div>
          </main>
        )}
      </div>
    </ChartLookContext.Provider>
  );
}
