import { useEffect, useRef, useState } from 'react';
import { AppStateProvider, useAppState } from './AppState';
import { ConnectScreen } from './screens/Connect';
import { NodeScreen } from './screens/Node';
import { PeersScreen } from './screens/Peers';
import { StationScreen } from './screens/Station';
import { CertificatesScreen } from './screens/Certificates';

const screens = [
  { id: 'connect', title: 'Connect', render: () => <ConnectScreen /> },
  { id: 'node', title: 'Node', render: () => <NodeScreen /> },
  { id: 'peers', title: 'Peers', render: () => <PeersScreen /> },
  { id: 'station', title: 'Station', render: () => <StationScreen /> },
  { id: 'certificates', title: 'Certificates', render: () => <CertificatesScreen /> },
] as const;

type ScreenId = (typeof screens)[number]['id'];

function screenFromHash(): ScreenId {
  const id = location.hash.replace(/^#\/?/, '');
  return screens.some((s) => s.id === id) ? (id as ScreenId) : 'connect';
}

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    addEventListener('online', update);
    addEventListener('offline', update);
    return () => {
      removeEventListener('online', update);
      removeEventListener('offline', update);
    };
  }, []);
  return online;
}

function Shell() {
  const [screen, setScreen] = useState<ScreenId>(screenFromHash);
  const { nodeUrl, identity } = useAppState();
  const online = useOnline();
  const heading = useRef<HTMLHeadingElement>(null);
  const current = screens.find((s) => s.id === screen)!;

  useEffect(() => {
    const onHash = () => setScreen(screenFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    document.title = `${current.title} · Mesh Node`;
    // Moving focus to the new heading tells screen-reader users the screen changed.
    heading.current?.focus();
  }, [current]);

  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header>
        <p className="brand">Mesh Node</p>
        <p className="who">
          {identity ? identity.callsign : 'no certificate'} · {nodeUrl ? new URL(nodeUrl).host : 'no node'}
          {!online && <span className="badge warn"> offline</span>}
        </p>
        <nav aria-label="Screens">
          <ul>
            {screens.map((s) => (
              <li key={s.id}>
                <a href={`#/${s.id}`} aria-current={s.id === screen ? 'page' : undefined}>
                  {s.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main">
        <h1 tabIndex={-1} ref={heading}>
          {current.title}
        </h1>
        {current.render()}
      </main>
    </>
  );
}

export function App() {
  return (
    <AppStateProvider>
      <Shell />
    </AppStateProvider>
  );
}
