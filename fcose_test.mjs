import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import Graph from 'graphology';
import fa2 from 'graphology-layout-forceatlas2';
cytoscape.use(fcose);
function gen(n, m){ const nodes=[], edges=[]; for(let i=0;i<n;i++) nodes.push('n'+i); let r=1; const rnd=()=>{r=(r*16807)%2147483647; return r/2147483647};
 for(let e=0;e<m;e++){ const a=1+Math.floor(rnd()*(n-1)); let b= e< n-1 ? Math.floor((e+1)/5) : (rnd()<0.7? Math.max(0,a-1-Math.floor(rnd()*20)) : Math.floor(rnd()*n)); if(a===b) b=(a+1)%n; if (e<n-1) { edges.push(['n'+(e+1), 'n'+b]); } else edges.push(['n'+a,'n'+b]);} return {nodes, edges};}
const which = process.argv[2];
for (const [n,m,opt] of JSON.parse(process.argv[3])) {
  const g = gen(n,m);
  if (which==='fcose') {
  const cy = cytoscape({headless:true, elements: g.nodes.map(id=>({data:{id}})).concat(g.edges.map((e,i)=>({data:{id:'e'+i, source:e[0], target:e[1]}})))});
  const t=Date.now();
  await new Promise(res=>{ const l=cy.layout(Object.assign({name:'fcose', randomize:true, animate:false}, opt)); l.one('layoutstop',res); l.run();});
  console.log('fcose',n,m,JSON.stringify(opt),Date.now()-t,'ms');
  } else {
   const G = new Graph({multi:true}); g.nodes.forEach((id,i)=>G.addNode(id,{x:Math.cos(i)*i, y:Math.sin(i)*i})); g.edges.forEach(e=>G.addEdge(e[0],e[1]));
   const t=Date.now(); fa2.assign(G, Object.assign({iterations:opt.it, settings: Object.assign(fa2.inferSettings(G), {barnesHutOptimize: n>500})})); console.log('fa2',n,m,opt.it,Date.now()-t,'ms');
  }
}
