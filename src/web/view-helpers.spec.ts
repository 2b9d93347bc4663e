import { lazyHandlebars } from './view-helpers';

describe(lazyHandlebars.name, () => {
  it('should render with the view helpers and partials registered before Handlebars loaded', () => {
    const engine = lazyHandlebars();
    // What @fastify/view does at registration (NODE_ENV=production), then on a request.
    engine.registerPartial('line', engine.compile('<b>{{percent p}}</b>'));
    const page = engine.compile('{{#each rows}}{{> line p=this}}{{/each}} {{short id}} {{name}}');
    expect(page({ rows: [0.5, 0.25], id: '0123456789', name: '<script>' })).toBe(
      '<b>50.0 %</b><b>25.0 %</b> 01234567 &lt;script&gt;',
    );
  });

  it('should register partials given after it loaded', () => {
    const engine = lazyHandlebars();
    expect(engine.compile('{{count n}}')({ n: 2.6 })).toBe('3');
    engine.registerPartial('late', engine.compile('late {{x}}'));
    expect(engine.compile('{{> late x=1}}')({})).toBe('late 1');
  });
});
