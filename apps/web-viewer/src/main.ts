import { ControlLevel } from '@rdshare/rx';
import { RdpViewer, scriptCryptoProvider, webSocketTransport } from '@rdshare/viewer';
import { DesktopCanvas } from './desktop-canvas.js';
import { captureInput } from './input-capture.js';
import { disconnectMessage, joinFailureMessage } from './messages.js';
import { fragmentParameters, sameOriginWebSocket } from './ticket.js';

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  [ControlLevel.NONE]: 'waiting',
  [ControlLevel.VIEW]: 'viewing',
  [ControlLevel.INTERACTIVE]: 'in control',
};

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = element<HTMLFormElement>('join');
const ticketBox = element<HTMLTextAreaElement>('ticket');
const nameBox = element<HTMLInputElement>('name');
const passwordBox = element<HTMLInputElement>('password');
const connectButton = element<HTMLButtonElement>('connect');
const toolbar = element<HTMLElement>('toolbar');
const stage = element<HTMLElement>('stage');
const status = element<HTMLElement>('status');
const paused = element<HTMLElement>('paused');
const message = element<HTMLElement>('message');
const attendeeList = element<HTMLUListElement>('attendees');
const requestControl = element<HTMLButtonElement>('request-control');
const scale = element<HTMLInputElement>('scale');
const desktop = new DesktopCanvas(element('desktop'), element('cursor'));

const fragment = fragmentParameters(location.hash);
ticketBox.value = fragment.ticket ?? '';
nameBox.value = fragment.name ?? localStorage.getItem('rdshare.name') ?? '';
const webSocketUrl = fragment.ws ?? sameOriginWebSocket(location);

const setState = (state: 'idle' | 'connecting' | 'connected' | 'ended') => {
  document.body.dataset.state = state;
};
const showMessage = (text: string | undefined) => {
  message.hidden = text === undefined;
  message.textContent = text ?? '';
};
const applyScale = () => document.body.classList.toggle('scaled', scale.checked);
scale.addEventListener('change', applyScale);
applyScale();

form.addEventListener('submit', (event) => {
  event.preventDefault();
  join(ticketBox.value.trim(), nameBox.value.trim(), passwordBox.value);
});

function join(ticket: string, name: string, password: string): void {
  localStorage.setItem('rdshare.name', name);
  showMessage(undefined);
  connectButton.disabled = true;
  setState('connecting');
  const viewer = new RdpViewer({
    crypto: scriptCryptoProvider(),
    transport: webSocketTransport(webSocketUrl),
    clientName: 'rdshare-web',
  });
  const subscriptions = [
    viewer.frame$.subscribe((rect) => desktop.paint(viewer, rect)),
    viewer.pointer$.subscribe((pointer) => desktop.drawPointer(pointer)),
    viewer.events.sharedDesktopSettingsChanged$.subscribe(() => desktop.reset(viewer)),
    viewer.events.graphicsStreamPaused$.subscribe(() => {
      paused.hidden = false;
    }),
    viewer.events.graphicsStreamResumed$.subscribe(() => {
      paused.hidden = true;
    }),
    viewer.events.attendeeConnected$.subscribe(() => renderAttendees(viewer)),
    viewer.events.attendeeUpdate$.subscribe(() => renderAttendees(viewer)),
    viewer.events.attendeeDisconnected$.subscribe(() => renderAttendees(viewer)),
    viewer.events.controlLevelChangeResponse$.subscribe(() => renderAttendees(viewer)),
  ];
  const detachInput = captureInput(viewer, desktop);
  const end = (text: string) => {
    for (const s of subscriptions) s.unsubscribe();
    detachInput();
    setState('ended');
    toolbar.hidden = true;
    form.hidden = false;
    connectButton.disabled = false;
    showMessage(text);
  };
  subscriptions.push(
    viewer.events.connectionTerminated$.subscribe(({ reason, extendedInfo }) =>
      end(disconnectMessage(reason, extendedInfo)),
    ),
  );
  requestControl.onclick = () => {
    try {
      viewer.requestControl(ControlLevel.INTERACTIVE);
      status.textContent = 'Control requested; waiting for the sharer…';
    } catch (error) {
      showMessage(`Cannot request control: ${(error as Error).message}`);
    }
  };
  element<HTMLButtonElement>('disconnect').onclick = () => viewer.disconnect();
  viewer
    .connect(ticket, name, password)
    .then(() => {
      form.hidden = true;
      toolbar.hidden = false;
      stage.hidden = false;
      desktop.reset(viewer);
      renderAttendees(viewer);
      desktop.canvas.focus();
      setState('connected');
    })
    .catch((error) => end(joinFailureMessage(error)));
}

function renderAttendees(viewer: RdpViewer): void {
  const items = [...viewer.attendees.values()].map((a) => {
    const li = document.createElement('li');
    li.textContent = `${a.remoteName || '(sharer)'}${a.isSelf ? ' (you)' : ''}: ${LEVEL_NAMES[a.controlLevel] ?? a.controlLevel}`;
    if (a.isSelf) {
      const controlling = a.controlLevel === ControlLevel.INTERACTIVE;
      status.textContent = `Connected, ${LEVEL_NAMES[a.controlLevel] ?? ''}`;
      // The keyboard goes to the desktop as soon as control is granted: the focus was on the "Request control"
      // button, which hides now, so without this the keys typed next would reach nothing.
      if (controlling && !document.body.classList.contains('controlling')) desktop.canvas.focus();
      document.body.classList.toggle('controlling', controlling);
      requestControl.hidden = controlling;
    }
    return li;
  });
  attendeeList.replaceChildren(...items);
}
