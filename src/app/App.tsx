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

export function App() {
  const ready = useLab((s) => s.catalog !== null && s.datasetId !== null);
  const error = useLab((s) => s.datasetError);
  const hidden = useLab((s) => s.hiddenControls);
  // Panels a shared link hid for a lesson (the Share button's "show hidden controls" brings them back).
  const shown = (panel: string) => !hidden.includes(panel);
  useEffect(() => {
    initLab().catch((e: unknown) => useLab.setState({ datasetError: `The lab could not start: ${e instanceof Error ? e.message : String(e)}` }));
  }, []);

  return (
    <div className="lab" data-ready={ready}>
      <Header />
      <main className="layout">
        <aside className="sidebar">
          {shown('environment') && <EnvironmentPanel />}
          {shown('dataset') && <DatasetPanel />}
          {shown('algorithm') && <AlgorithmPanel />}
          {shown('backend') && <BackendPanel />}
        </aside>
        <div className="main">
          {!ready && !error && <p className="loading">Preparing the built-in datasets…</p>}
          <RunControls />
          <LinkRunsOffer />
          {shown('runs') && <RunList />}
          {shown('compare') && <CompareControls />}
          <ScoreSummary />
          <ChartsPanel />
          {shown('sweeps') && <SweepPanel />}
          {shown('pbt') && <PbtPanel />}
          {shown('inspector') && <DatasetInspector />}
          {shown('replay') && <RolloutPanel />}
          {shown('valuemap') && <ValueMapPanel />}
          {shown('valuemap') && <QSlicePanel />}
          {shown('tabular') && <TabularPanel />}
        </div>
      </main>
    </div>
  );
}
